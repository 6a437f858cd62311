package io.halfmsg.broker.admin;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** Read-only queries of the admin API (see {@code mapper/AdminMapper.xml}). */
@Mapper
interface AdminMapper {

  List<MessageSummary> findMessages(
      @Param("state") String state,
      @Param("topic") String topic,
      @Param("producerGroup") String producerGroup,
      @Param("consumerGroup") String consumerGroup,
      @Param("messageId") String messageId,
      @Param("from") Instant from,
      @Param("to") Instant to,
      @Param("afterId") long afterId,
      @Param("limit") int limit);

  List<StateCount> countMessagesByState();

  List<StateCount> countDeliveriesByState();

  Instant oldestPrepared();

  /**
   * Since when the oldest message still waiting to be stored in RocketMQ could be forwarded: its
   * commit, or its delivery time if later; messages held for a delivery time after {@code now} do
   * not wait for RocketMQ and are left out.
   */
  Instant oldestUnforwarded(@Param("now") Instant now, @Param("keyHeld") Instant keyHeld);

  Instant oldestPendingDelivery(@Param("keyHeld") Instant keyHeld);
}
