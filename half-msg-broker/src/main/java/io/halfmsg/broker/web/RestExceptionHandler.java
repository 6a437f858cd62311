package io.halfmsg.broker.web;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every failure into an {@code application/problem+json} answer with a stable type. Bad input
 * is a 4xx; only a fault of ours or of the store is a 5xx.
 */
@RestControllerAdvice
class RestExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(RestExceptionHandler.class);

  private final ProblemResponses problems;

  RestExceptionHandler(ProblemResponses problems) {
    this.problems = problems;
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> handleApi(ApiException e) {
    return respond(e.problem(), e.getMessage(), e.extensions());
  }

  // RecoverableDataAccessException is how a connection lost mid-statement arrives (the database
  // restarted, a proxy cut it); in a transaction the rollback then fails too, which Spring reports
  // as TransactionSystemException, and a pool that cannot hand out a connection fails the begin
  // with CannotCreateTransactionException. Every API write is idempotent: the client retries.
  @ExceptionHandler({
    DataAccessResourceFailureException.class,
    TransientDataAccessException.class,
    RecoverableDataAccessException.class,
    QueryTimeoutException.class,
    TransactionSystemException.class,
    CannotCreateTransactionException.class
  })
  ResponseEntity<ProblemDetail> handleStoreUnavailable(Exception e) {
    log.warn("Message store unavailable: {}", e.getMessage());
    return respond(ProblemType.STORE_UNAVAILABLE, "The message store did not answer; retry.");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> handleUnexpected(Exception e) {
    log.error("Unexpected error", e);
    return respond(ProblemType.INTERNAL_ERROR, "An unexpected error occurred.");
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (hasCause(ex, RequestTooLargeException.class)) {
      return cast(respond(ProblemType.PAYLOAD_TOO_LARGE, RequestTooLargeException.DETAIL));
    }
    if (hasCause(ex, BodyNotUtf8Exception.class)) {
      return cast(respond(ProblemType.MALFORMED_JSON, BodyNotUtf8Exception.DETAIL));
    }
    return cast(
        respond(ProblemType.MALFORMED_JSON, "The request body is missing or is not valid JSON."));
  }

  /** Gives Spring's own MVC errors (404, 405, 415, …) our stable types. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ResponseEntity<Object> response =
        super.handleExceptionInternal(ex, body, headers, status, request);
    if (response != null && response.getBody() instanceof ProblemDetail problem) {
      ProblemType type = typeFor(status);
      problem.setType(type.type());
      problem.setTitle(type.title());
      HttpHeaders withOurs = new HttpHeaders();
      withOurs.putAll(response.getHeaders());
      withOurs.putAll(problems.headers(type));
      return new ResponseEntity<>(problem, withOurs, response.getStatusCode());
    }
    return response;
  }

  private static ProblemType typeFor(HttpStatusCode status) {
    HttpStatus known = HttpStatus.resolve(status.value());
    if (known == null) {
      return status.is4xxClientError() ? ProblemType.INVALID_REQUEST : ProblemType.INTERNAL_ERROR;
    }
    return switch (known) {
      case NOT_FOUND -> ProblemType.NOT_FOUND;
      case METHOD_NOT_ALLOWED -> ProblemType.METHOD_NOT_ALLOWED;
      case NOT_ACCEPTABLE -> ProblemType.NOT_ACCEPTABLE;
      case UNSUPPORTED_MEDIA_TYPE -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
      case PAYLOAD_TOO_LARGE -> ProblemType.PAYLOAD_TOO_LARGE;
      case SERVICE_UNAVAILABLE -> ProblemType.STORE_UNAVAILABLE;
      default ->
          status.is4xxClientError() ? ProblemType.INVALID_REQUEST : ProblemType.INTERNAL_ERROR;
    };
  }

  private ResponseEntity<ProblemDetail> respond(ProblemType type, String detail) {
    return respond(type, detail, Map.of());
  }

  private ResponseEntity<ProblemDetail> respond(
      ProblemType type, String detail, Map<String, Object> extensions) {
    return problems.entity(type, detail, extensions);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> response) {
    return (ResponseEntity) response;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
