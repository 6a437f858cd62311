package io.halfmsg.broker.operator;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * Who sends an admin API request: the name of the named admin token it carries, else its {@value
 * #HEADER} header, else {@link Operator#DEFAULT_NAME}. A named token's name wins over the header,
 * which anyone holding an unnamed token may set.
 */
@Component
public class OperatorResolver {

  public static final String HEADER = "X-Halfmsg-Operator";

  /** The operator of this request, with its reason; 400 if either is invalid. */
  public Operator of(HttpServletRequest request, String reason) {
    if (request.getAttribute(Operator.TOKEN_NAME_ATTRIBUTE) instanceof String tokenName) {
      return Operator.of(tokenName, HEADER, reason);
    }
    String header = request.getHeader(HEADER);
    return Operator.of(header == null ? Operator.DEFAULT_NAME : header.strip(), HEADER, reason);
  }
}
