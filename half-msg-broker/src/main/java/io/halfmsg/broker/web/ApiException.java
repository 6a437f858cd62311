package io.halfmsg.broker.web;

import java.util.Map;

/**
 * An error that maps to one {@link ProblemType}; thrown by the API and answered with its status: a
 * 4xx for bad input, a 503 (with Retry-After) when the broker cannot take the request now.
 */
public class ApiException extends RuntimeException {

  private final ProblemType problem;
  private final Map<String, Object> extensions;

  public ApiException(ProblemType problem, String detail) {
    this(problem, detail, Map.of());
  }

  public ApiException(ProblemType problem, String detail, Map<String, Object> extensions) {
    super(detail, null, false, false);
    this.problem = problem;
    this.extensions = extensions;
  }

  public ProblemType problem() {
    return problem;
  }

  /** Extra members of the problem document, e.g. the violations of an invalid request. */
  public Map<String, Object> extensions() {
    return extensions;
  }
}
