package io.halfmsg.broker.console;

import io.halfmsg.broker.auth.AdminTokens;
import io.halfmsg.broker.operator.Operator;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * Logs an operator in with an admin token. The session keeps the operator's name (a named token's
 * name, else the name typed at login, else {@link Operator#DEFAULT_NAME}), never the token.
 */
final class ConsoleLogin implements AuthenticationProvider {

  static final String ROLE = "ADMIN";

  private final AdminTokens tokens;

  ConsoleLogin(AdminTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public Authentication authenticate(Authentication login) {
    Object token = login.getCredentials();
    AdminTokens.Admin admin =
        tokens
            .admin(token == null ? "" : token.toString().trim())
            .orElseThrow(() -> new BadCredentialsException("not an admin token"));
    String typed = login.getName() == null ? "" : login.getName().strip();
    String name =
        admin.name() != null ? admin.name() : typed.isEmpty() ? Operator.DEFAULT_NAME : typed;
    if (!Operator.isName(name)) {
      throw new BadCredentialsException("invalid operator name");
    }
    return UsernamePasswordAuthenticationToken.authenticated(
        name, null, AuthorityUtils.createAuthorityList("ROLE_" + ROLE));
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
