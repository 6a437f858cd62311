package io.halfmsg.broker.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over {@code halfmsg.api.max-request-size} (for the batch endpoints {@code
 * halfmsg.api.max-batch-request-size}) with 413: at once when the announced length is too large,
 * and while reading when a chunked body grows too large.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RequestSizeLimitFilter extends OncePerRequestFilter {

  private final long maxBytes;
  private final long maxBatchBytes;
  private final ProblemResponses problems;

  RequestSizeLimitFilter(ApiProperties properties, ProblemResponses problems) {
    this.maxBytes = properties.maxRequestSize().toBytes();
    this.maxBatchBytes = properties.maxBatchRequestSize().toBytes();
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    long limit = BatchPaths.isBatch(path) ? maxBatchBytes : maxBytes;
    long announced = request.getContentLengthLong();
    if (announced > limit) {
      problems.write(response, ProblemType.PAYLOAD_TOO_LARGE, RequestTooLargeException.DETAIL);
      return;
    }
    chain.doFilter(announced >= 0 ? request : new LimitedRequest(request, limit), response);
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long maxBytes;
    private ServletInputStream stream;

    LimitedRequest(HttpServletRequest request, long maxBytes) {
      super(request);
      this.maxBytes = maxBytes;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new LimitedStream(super.getInputStream(), maxBytes);
      }
      return stream;
    }
  }

  private static final class LimitedStream extends CheckedBodyStream {
    private long remaining;

    LimitedStream(ServletInputStream delegate, long maxBytes) {
      super(delegate);
      this.remaining = maxBytes;
    }

    @Override
    protected void check(byte[] buffer, int offset, int length) throws RequestTooLargeException {
      count(length);
    }

    private void count(int n) throws RequestTooLargeException {
      remaining -= n;
      if (remaining < 0) {
        throw new RequestTooLargeException();
      }
    }
  }
}
