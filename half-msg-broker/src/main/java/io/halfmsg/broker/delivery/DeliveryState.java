package io.halfmsg.broker.delivery;

/**
 * The state of one message's delivery to one consumer group ({@code hm_delivery.state}).
 *
 * <table>
 *   <caption>Allowed transitions</caption>
 *   <tr><th>from</th><th>to</th><th>when</th><th>written by</th></tr>
 *   <tr><td>(none)</td><td>PENDING</td><td>the message is committed, one row per subscribed
 *       group</td><td>{@code DeliveryBatchSql.insertForSubscribers}</td></tr>
 *   <tr><td>PENDING</td><td>PENDING</td><td>not acked in time: sent again, attempts + 1</td>
 *       <td>{@code DeliveryMapper.recordAttempt} (version-checked)</td></tr>
 *   <tr><td>PENDING</td><td>DEAD</td><td>{@code maxAttempts} sends without an ack</td>
 *       <td>{@code DeliveryMapper.markDead} (version-checked)</td></tr>
 *   <tr><td>PENDING, DEAD</td><td>ACKED</td><td>the group acked (a late ack of a DEAD delivery
 *       still counts: the group did apply it)</td><td>{@code DeliveryBatchSql.ack}</td></tr>
 *   <tr><td>DEAD</td><td>PENDING</td><td>an operator replays it, attempts reset</td>
 *       <td>{@code DeliveryMapper.replayOne/replayAll}</td></tr>
 * </table>
 *
 * ACKED is final. The SQL names these states as literals; they are this enum's names.
 */
public enum DeliveryState {
  /** Sent (or about to be) and waiting for the group's ack; sent again after the ack timeout. */
  PENDING,
  /** The group applied the message and said so. Final. */
  ACKED,
  /** Sent {@code maxAttempts} times without an ack; waits for an operator's replay. */
  DEAD
}
