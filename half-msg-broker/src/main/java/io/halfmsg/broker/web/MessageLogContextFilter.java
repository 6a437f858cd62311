package io.halfmsg.broker.web;

import io.halfmsg.api.WireRules;
import io.halfmsg.api.logging.LogContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the message id of a request about one message ({@code /api/v1/messages/{id}/commit}, the
 * admin API's and the console's {@code …/messages/{id}/…}) in the MDC for the whole request, so
 * that what the broker logs while answering it, error pages included, carries the id. Outside the
 * controllers because Spring's exception handlers log after a controller method has returned.
 * Prepares carry their id in the body; their controller sets it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class MessageLogContextFilter extends OncePerRequestFilter {

  private static final Pattern MESSAGE_PATH = Pattern.compile("/messages/([^/]+)(?:/|$)");

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String messageId = messageIdOf(request.getRequestURI());
    if (messageId == null) {
      chain.doFilter(request, response);
      return;
    }
    try (LogContext ignored = LogContext.producer(messageId, null)) {
      chain.doFilter(request, response);
    }
  }

  /** The id in the path, or {@code null}; what is not a valid id stays out of the logs' fields. */
  static String messageIdOf(String uri) {
    Matcher m = MESSAGE_PATH.matcher(uri);
    if (!m.find()) {
      return null;
    }
    String id = m.group(1);
    return WireRules.isMessageId(id) ? id : null;
  }
}
