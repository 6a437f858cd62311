package io.halfmsg.broker.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Builds problem documents, for Spring MVC's exception handler and for servlet filters that run
 * before it; the one place that decides their headers too ({@code Retry-After} on the answers that
 * ask clients to come back).
 */
@Component
public class ProblemResponses {

  private final ObjectMapper objectMapper;
  private final String retryAfterSeconds;

  ProblemResponses(ObjectMapper objectMapper, ApiProperties api) {
    this.objectMapper = objectMapper;
    this.retryAfterSeconds = Long.toString(api.retryAfterSeconds());
  }

  public static ProblemDetail problem(
      ProblemType type, String detail, Map<String, Object> extensions) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
    problem.setType(type.type());
    problem.setTitle(type.title());
    extensions.forEach(problem::setProperty);
    return problem;
  }

  /** The headers an answer of this type carries besides the content type. */
  public HttpHeaders headers(ProblemType type) {
    HttpHeaders headers = new HttpHeaders();
    if (type.retryLater()) {
      headers.set(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
    }
    return headers;
  }

  public ResponseEntity<ProblemDetail> entity(
      ProblemType type, String detail, Map<String, Object> extensions) {
    return ResponseEntity.status(type.status())
        .headers(headers(type))
        .body(problem(type, detail, extensions));
  }

  public void write(HttpServletResponse response, ProblemType type, String detail)
      throws IOException {
    response.setStatus(type.status().value());
    headers(type).forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    objectMapper.writeValue(response.getOutputStream(), problem(type, detail, Map.of()));
  }
}
