package io.halfmsg.broker.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/** Builds problem documents, and writes them from servlet filters that run before Spring MVC. */
@Component
public class ProblemResponses {

  private final ObjectMapper objectMapper;

  ProblemResponses(ObjectMapper objectMapper) {
    this.objectMapper = objectMapper;
  }

  public static ProblemDetail problem(
      ProblemType type, String detail, Map<String, Object> extensions) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
    problem.setType(type.type());
    problem.setTitle(type.title());
    extensions.forEach(problem::setProperty);
    return problem;
  }

  public void write(HttpServletResponse response, ProblemType type, String detail)
      throws IOException {
    response.setStatus(type.status().value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    objectMapper.writeValue(response.getOutputStream(), problem(type, detail, Map.of()));
  }
}
