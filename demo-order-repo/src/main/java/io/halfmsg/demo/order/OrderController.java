package io.halfmsg.demo.order;

import java.net.URI;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/orders")
class OrderController {

  /** Request header of the demo scenario: lose this order's commit call (see LostCommitSender). */
  static final String LOSE_COMMIT_HEADER = "X-Demo-Lose-Commit";

  /**
   * Request header of the chaos test: order-service dies right after this order's local commit,
   * before its commit call (see CrashAfterCommit).
   */
  static final String CRASH_AFTER_COMMIT_HEADER = "X-Demo-Crash-After-Commit";

  private static final String PROBLEMS = "https://halfmsg.io/problems/demo/";
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

  private final OrderPlacement placement;
  private final OrderRepository orders;
  private final LostCommitSender lostCommits;
  private final boolean crashesAllowed;

  OrderController(
      OrderPlacement placement,
      OrderRepository orders,
      LostCommitSender lostCommits,
      @Value("${demo.order.allow-crashes:false}") boolean crashesAllowed) {
    this.placement = placement;
    this.orders = orders;
    this.lostCommits = lostCommits;
    this.crashesAllowed = crashesAllowed;
  }

  record PlaceOrder(String orderNo, String product, Integer quantity) {}

  @PostMapping
  ResponseEntity<Order> place(
      @RequestBody PlaceOrder request,
      @RequestHeader(name = LOSE_COMMIT_HEADER, defaultValue = "false") boolean loseCommit,
      @RequestHeader(name = CRASH_AFTER_COMMIT_HEADER, defaultValue = "false")
          boolean crashAfterCommit) {
    String orderNo =
        request.orderNo() == null
            ? "o-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
            : request.orderNo();
    require(NAME.matcher(orderNo).matches(), "orderNo must match " + NAME.pattern());
    require(
        request.product() != null && NAME.matcher(request.product()).matches(),
        "product must match " + NAME.pattern());
    require(request.quantity() != null && request.quantity() > 0, "quantity must be positive");
    require(!loseCommit || lostCommits.allowed(), LOSE_COMMIT_HEADER + " is not enabled here");
    require(
        !crashAfterCommit || crashesAllowed, CRASH_AFTER_COMMIT_HEADER + " is not enabled here");
    try {
      Order order =
          placement.place(
              orderNo, request.product(), request.quantity(), loseCommit, crashAfterCommit);
      return ResponseEntity.created(URI.create("/orders/" + orderNo)).body(order);
    } catch (DuplicateKeyException e) {
      // Also thrown by the barrier insert when a check-back already rolled the message back (a
      // transaction slower than the broker's check-back delay): not the client's fault then.
      if (orders.find(orderNo).isEmpty()) {
        throw e;
      }
      throw problem(HttpStatus.CONFLICT, "duplicate-order", "Order " + orderNo + " exists");
    }
  }

  @GetMapping("/{orderNo}")
  Order get(@PathVariable String orderNo) {
    return orders
        .find(orderNo)
        .orElseThrow(() -> problem(HttpStatus.NOT_FOUND, "unknown-order", "No order " + orderNo));
  }

  @ExceptionHandler
  ProblemDetail refused(OrderRefusedException e) {
    ProblemDetail p =
        ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage());
    p.setType(URI.create(PROBLEMS + e.reason()));
    p.setTitle(e.title());
    p.setProperty("orderNo", e.orderNo());
    p.setProperty("messageId", e.messageId());
    return p;
  }

  private static void require(boolean valid, String detail) {
    if (!valid) {
      throw problem(HttpStatus.BAD_REQUEST, "invalid-order", detail);
    }
  }

  private static ErrorResponseException problem(HttpStatus status, String type, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(PROBLEMS + type));
    return new ErrorResponseException(status, p, null);
  }
}
