package io.halfmsg.broker.auth;

import java.util.Optional;
import org.springframework.stereotype.Component;

/** Checks admin tokens for logins that do not go through the bearer-token filter (the console). */
@Component
public class AdminTokens {

  private final TokenRegistry tokens;

  AdminTokens(TokenRegistry tokens) {
    this.tokens = tokens;
  }

  /** An admin token's holder: the operator's name for a named token, else null. */
  public record Admin(String name) {}

  /** The holder of {@code token} if it is an admin token, else empty. */
  public Optional<Admin> admin(String token) {
    return tokens.holderOf(token).filter(h -> h.role() == Role.ADMIN).map(h -> new Admin(h.name()));
  }
}
