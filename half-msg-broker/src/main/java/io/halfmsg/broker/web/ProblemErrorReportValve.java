package io.halfmsg.broker.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.MediaType;

/**
 * Tomcat's answer to requests it refuses before the application sees them (a path it cannot decode,
 * such as {@code %zz}, {@code %00} or an encoded slash; headers that are too large; a body it
 * cannot read; TRACE) in the API's error format instead of Tomcat's HTML page, and a problem
 * document for any other error answer that has no body (the actuator's 404 for an unknown health
 * component or metric). Tomcat creates it by class name, outside Spring, so it writes the problem
 * document itself, with the same fields and types as {@link ProblemResponses}.
 *
 * <p>Tomcat answers 501 to CONNECT and to a transfer coding it does not know, and 505 to a protocol
 * version it does not know. Both refuse what the client sent: bad input, which the API answers with
 * a 4xx (405 for CONNECT, else 400), so that a client's garbage never looks like a broker fault.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    if (response.getStatus() < 400 || response.getContentWritten() > 0) {
      return;
    }
    // sendError() asks for one report; an error status set without a body is reported too.
    if (response.isError() && !response.setErrorReported()) {
      return;
    }
    ProblemType type = typeOf(request, response.getStatus());
    if (response.getStatus() == 501 || response.getStatus() == 505) {
      response.setStatus(type.status().value());
    }
    int status = response.getStatus();
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", type.type().toString());
    problem.put("title", type.title());
    problem.put("status", status);
    problem.put(
        "detail",
        status < 500
            ? "The server could not take this request (for example a path that does not decode,"
                + " headers that are too large, a body that cannot be read, or nothing at this"
                + " path)."
            : "Internal error.");
    try {
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(JSON.writeValueAsString(problem));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The connection is gone or the response committed meanwhile: nothing more to say.
    }
  }

  private static ProblemType typeOf(Request request, int status) {
    return switch (status) {
      case 404 -> ProblemType.NOT_FOUND;
      case 405 -> ProblemType.METHOD_NOT_ALLOWED;
      case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
      case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
      case 501 ->
          "CONNECT".equals(request.getMethod())
              ? ProblemType.METHOD_NOT_ALLOWED
              : ProblemType.INVALID_REQUEST;
      case 505 -> ProblemType.INVALID_REQUEST;
      default -> status >= 500 ? ProblemType.INTERNAL_ERROR : ProblemType.INVALID_REQUEST;
    };
  }
}
