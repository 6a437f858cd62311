package io.halfmsg.broker.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.ContentNegotiationStrategy;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API answers JSON (errors: problem+json) whatever the {@code Accept} header says, when that
 * header does not parse or names nothing the API produces: RFC 9110 lets a server disregard it
 * rather than answer 406. Spring would otherwise decide only after the handler ran — a prepare
 * done, then "406 Not Acceptable" — and with an Accept it cannot parse it drops the body of every
 * error. An Accept that does name JSON still chooses among what it names.
 */
@Component
class DisregardedAccept implements WebMvcConfigurer {

  /** Anything, but after everything the client named. */
  private static final MediaType ANYTHING_ELSE = new MediaType(MediaType.ALL, Map.of("q", "0.001"));

  @Override
  public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
    // Not a bean of its own: Spring Security's configuration wants the one strategy bean, MVC's.
    configurer.strategies(List.of(new Strategy()));
  }

  private static final class Strategy implements ContentNegotiationStrategy {

    private final HeaderContentNegotiationStrategy header = new HeaderContentNegotiationStrategy();

    @Override
    public List<MediaType> resolveMediaTypes(NativeWebRequest request) {
      List<MediaType> asked;
      try {
        asked = header.resolveMediaTypes(request);
      } catch (HttpMediaTypeNotAcceptableException e) {
        return MEDIA_TYPE_ALL_LIST;
      }
      if (asked.equals(MEDIA_TYPE_ALL_LIST)) {
        return asked;
      }
      List<MediaType> withFallback = new ArrayList<>(asked);
      withFallback.add(ANYTHING_ELSE);
      return withFallback;
    }
  }
}
