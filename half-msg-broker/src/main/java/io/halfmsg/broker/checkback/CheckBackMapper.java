package io.halfmsg.broker.checkback;

import io.halfmsg.api.MessageState;
import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** The check-back scanner's SQL on {@code hm_message} (see {@code mapper/CheckBackMapper.xml}). */
@Mapper
interface CheckBackMapper {

  List<DueMessage> lockDue(@Param("now") Instant now, @Param("limit") int limit);

  int extendLease(@Param("ids") List<Long> ids, @Param("leaseUntil") Instant leaseUntil);

  int resolve(
      @Param("id") long id,
      @Param("version") int version,
      @Param("state") MessageState state,
      @Param("now") Instant now,
      @Param("nextCheckAt") Instant nextCheckAt);

  int scheduleNextCheck(
      @Param("id") long id, @Param("version") int version, @Param("nextCheckAt") Instant next);

  int park(@Param("id") long id, @Param("version") int version);
}
