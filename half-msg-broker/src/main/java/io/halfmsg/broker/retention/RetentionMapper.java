package io.halfmsg.broker.retention;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** SQL of the retention job (see {@code mapper/RetentionMapper.xml}). */
@Mapper
interface RetentionMapper {

  List<ExpiredMessage> lockExpired(
      @Param("state") String state, @Param("now") Instant now, @Param("limit") int limit);

  List<String> findWithUnackedDeliveries(@Param("messageIds") List<String> messageIds);

  int deleteDeliveries(@Param("messageIds") List<String> messageIds);

  int deleteMessages(@Param("ids") List<Long> ids);

  int postpone(@Param("ids") List<Long> ids, @Param("until") Instant until);
}
