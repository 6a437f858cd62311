package io.halfmsg.broker.auth;

import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.web.ProblemResponses;
import io.halfmsg.broker.web.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks the bearer token of every request: none or an unknown one → 401, a role that may not call
 * the endpoint → 403. Runs before anything reads the request body. A named admin token's operator
 * name is left on the request ({@link Operator#TOKEN_NAME_ATTRIBUTE}) for the history of what it
 * does. The console ({@code /console/**}) is left to its own session login.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class TokenAuthenticationFilter extends OncePerRequestFilter {

  private static final String BEARER = "Bearer ";

  private final TokenRegistry tokens;
  private final ProblemResponses problems;

  TokenAuthenticationFilter(TokenRegistry tokens, ProblemResponses problems) {
    this.tokens = tokens;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (AccessPolicy.isPublic(path) || AccessPolicy.isConsole(request.getServletPath())) {
      chain.doFilter(request, response);
      return;
    }
    Optional<TokenRegistry.Holder> holder =
        authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
    if (holder.isEmpty()) {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"halfmsg\"");
      problems.write(
          response,
          ProblemType.UNAUTHORIZED,
          "Send 'Authorization: Bearer <token>' with a token configured on the broker.");
      return;
    }
    Role role = holder.get().role();
    Role required = AccessPolicy.requiredRole(request.getMethod(), path);
    if (role != Role.ADMIN && role != required) {
      problems.write(
          response,
          ProblemType.FORBIDDEN,
          "This endpoint needs a " + required.name().toLowerCase() + " or admin token.");
      return;
    }
    if (holder.get().name() != null) {
      request.setAttribute(Operator.TOKEN_NAME_ATTRIBUTE, holder.get().name());
    }
    chain.doFilter(request, response);
  }

  private Optional<TokenRegistry.Holder> authenticate(String authorization) {
    if (authorization == null) {
      return tokens.allowAnonymous()
          ? Optional.of(new TokenRegistry.Holder(Role.ADMIN, null))
          : Optional.empty();
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    return tokens.holderOf(authorization.substring(BEARER.length()).trim());
  }
}
