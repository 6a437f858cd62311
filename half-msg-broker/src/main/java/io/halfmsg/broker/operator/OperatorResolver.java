package io.halfmsg.broker.operator;

import io.halfmsg.broker.web.Violations;
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

  /**
   * Body of an operator's action on one message that takes nothing but a reason (re-arm, cancel).
   */
  public record ReasonRequest(String reason) {}

  /**
   * The operator of an action on one message ({@code POST /api/v1/messages/{messageId}/…} with a
   * {@link ReasonRequest}); 400 for a body that is not an object, an id that is not one, a bad
   * reason or operator name, all listed at once.
   */
  public Operator ofMessageAction(
      HttpServletRequest http, String messageId, ReasonRequest request) {
    if (request == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    Violations v = new Violations();
    v.messageId(messageId, "messageId");
    Operator.checkReason(request.reason(), v);
    v.throwIfAny();
    return of(http, request.reason());
  }

  /** The operator of this request, with its reason; 400 if either is invalid. */
  public Operator of(HttpServletRequest request, String reason) {
    if (request.getAttribute(Operator.TOKEN_NAME_ATTRIBUTE) instanceof String tokenName) {
      return Operator.of(tokenName, HEADER, reason);
    }
    String header = request.getHeader(HEADER);
    return Operator.of(header == null ? Operator.DEFAULT_NAME : header.strip(), HEADER, reason);
  }
}
