package io.halfmsg.broker.subscription;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** SQL of {@code hm_subscription} (see {@code mapper/SubscriptionMapper.xml}). */
@Mapper
interface SubscriptionMapper {

  int deleteTopic(@Param("consumerGroup") String consumerGroup, @Param("topic") String topic);

  List<String> topicsOf(@Param("consumerGroup") String consumerGroup);

  int upsert(
      @Param("consumerGroup") String consumerGroup,
      @Param("topic") String topic,
      @Param("tags") String tags,
      @Param("ackTimeoutMs") long ackTimeoutMs,
      @Param("maxAttempts") int maxAttempts,
      @Param("now") Instant now);

  List<Subscription> findAll();

  List<Lag> lag();
}
