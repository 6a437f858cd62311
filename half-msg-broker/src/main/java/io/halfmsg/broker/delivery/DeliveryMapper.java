package io.halfmsg.broker.delivery;

import io.halfmsg.broker.history.MessageHistory;
import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/**
 * SQL of deliveries (see {@code mapper/DeliveryMapper.xml}); the hot path's batch statements are in
 * {@link DeliveryBatchSql}, and forwarding's writes of messages in {@code MessageStore}.
 */
@Mapper
interface DeliveryMapper {

  List<DueDelivery> lockDueDeliveries(@Param("now") Instant now, @Param("limit") int limit);

  int extendDeliveryLease(@Param("ids") List<Long> ids, @Param("leaseUntil") Instant leaseUntil);

  int recordAttempt(
      @Param("id") long id,
      @Param("version") int version,
      @Param("nextAttemptAt") Instant nextAttemptAt,
      @Param("lastError") String lastError);

  int markDead(@Param("id") long id, @Param("version") int version);

  int holdDelivery(
      @Param("id") long id, @Param("version") int version, @Param("until") Instant until);

  int awaitForward(
      @Param("id") long id,
      @Param("version") int version,
      @Param("until") Instant until,
      @Param("note") String note);

  int deleteOfMessage(@Param("messageId") String messageId);

  List<DeliveryView> findByMessageId(@Param("messageId") String messageId);

  DeliveryState findState(
      @Param("messageId") String messageId, @Param("consumerGroup") String consumerGroup);

  int replayOne(
      @Param("messageId") String messageId,
      @Param("consumerGroup") String consumerGroup,
      @Param("now") Instant now);

  List<MessageHistory.Delivery> lockDead(
      @Param("consumerGroup") String consumerGroup,
      @Param("topic") String topic,
      @Param("limit") int limit);

  int replayAll(
      @Param("deliveries") List<MessageHistory.Delivery> deliveries, @Param("now") Instant now);
}
