package io.halfmsg.broker.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Sends the answers of API writes with a {@code Content-Length}, in one write. Spring's JSON
 * converter flushes the body as soon as it has written it, which commits the response before its
 * length is known: Tomcat then sends it chunked, in two writes (headers and body, then the last
 * chunk), and the client parses chunks. The answers of the API's writes are small JSON documents,
 * so holding each until it is complete costs a copy of a few hundred bytes.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ContentLengthFilter extends OncePerRequestFilter {

  /**
   * Only the API's writes (prepare, commit, rollback, acks, …) — the hot path, whose answers are a
   * few hundred bytes. Reads are left streaming: {@code GET /messages/{id}} carries the message
   * body, which may be megabytes.
   */
  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return "GET".equals(request.getMethod())
        || !request.getRequestURI().startsWith(request.getContextPath() + "/api/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    ContentCachingResponseWrapper whole = new ContentCachingResponseWrapper(response);
    try {
      chain.doFilter(request, whole);
    } finally {
      whole.copyBodyToResponse();
    }
  }
}
