package io.halfmsg.broker.delivery;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** SQL of {@code hm_delivery_failure} (see {@code mapper/DeliveryFailureMapper.xml}). */
@Mapper
interface DeliveryFailureMapper {

  int insert(
      @Param("messageId") String messageId,
      @Param("consumerGroup") String consumerGroup,
      @Param("attempt") int attempt,
      @Param("failedAt") Instant failedAt,
      @Param("cause") FailureCause cause,
      @Param("errorClass") String errorClass,
      @Param("detail") String detail,
      @Param("fingerprint") String fingerprint);

  /** The id of the failure with {@code newer} newer ones, or null when there are fewer. */
  Long oldestKept(
      @Param("messageId") String messageId,
      @Param("consumerGroup") String consumerGroup,
      @Param("newer") int newer);

  int deleteBefore(
      @Param("messageId") String messageId,
      @Param("consumerGroup") String consumerGroup,
      @Param("id") long id);

  List<DeliveryFailure> findByMessageId(@Param("messageId") String messageId);

  int deleteOf(@Param("messageIds") List<String> messageIds);
}
