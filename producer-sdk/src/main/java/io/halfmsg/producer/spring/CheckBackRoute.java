package io.halfmsg.producer.spring;

import io.halfmsg.api.signing.SignatureHeaders;
import io.halfmsg.producer.CheckBackHandler;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/** The check-back endpoint as a Spring MVC functional route. */
final class CheckBackRoute {

  private CheckBackRoute() {}

  static RouterFunction<ServerResponse> of(String path, CheckBackHandler handler) {
    return RouterFunctions.route(
        RequestPredicates.POST(path),
        request -> {
          // The signature covers the exact bytes, so read them raw, before any JSON binding.
          byte[] body = request.body(byte[].class);
          CheckBackHandler.Reply reply =
              handler.handle(
                  request.headers().firstHeader(SignatureHeaders.TIMESTAMP),
                  request.headers().firstHeader(SignatureHeaders.SIGNATURE),
                  body);
          return ServerResponse.status(reply.status())
              .contentType(MediaType.parseMediaType(reply.contentType()))
              .body(reply.body());
        });
  }
}
