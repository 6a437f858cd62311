package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/**
 * The MyBatis statements on {@code hm_message} (see {@code mapper/MessageMapper.xml}): the
 * scanners' claims and their version-checked writes, and the operator's and retention's; the hot
 * path's statements and the reads of whole rows are in {@link MessageSql}.
 */
@Mapper
interface MessageMapper {

  int resolveParkedByOperator(
      @Param("messageId") String messageId,
      @Param("state") MessageState state,
      @Param("resolvedAt") Instant resolvedAt,
      @Param("nextCheckAt") Instant nextCheckAt);

  int rearmParked(@Param("messageId") String messageId, @Param("now") Instant now);

  List<DueMessage> lockDuePrepared(@Param("now") Instant now, @Param("limit") int limit);

  int extendLease(@Param("ids") List<Long> ids, @Param("leaseUntil") Instant leaseUntil);

  int resolveByCheckBack(
      @Param("id") long id,
      @Param("version") int version,
      @Param("state") MessageState state,
      @Param("now") Instant now,
      @Param("nextCheckAt") Instant nextCheckAt);

  int scheduleNextCheck(
      @Param("id") long id, @Param("version") int version, @Param("nextCheckAt") Instant next);

  int park(@Param("id") long id, @Param("version") int version);

  List<Long> lockDueCommitted(@Param("now") Instant now, @Param("limit") int limit);

  int retryForwardAt(
      @Param("id") long id,
      @Param("version") int version,
      @Param("nextCheckAt") Instant nextCheckAt);

  List<ExpiredMessage> lockExpired(
      @Param("state") MessageState state, @Param("now") Instant now, @Param("limit") int limit);

  int postpone(@Param("ids") List<Long> ids, @Param("until") Instant until);

  int deleteExpired(@Param("ids") List<Long> ids);

  int cancelHeld(
      @Param("messageId") String messageId,
      @Param("now") Instant now,
      @Param("retainUntil") Instant retainUntil,
      @Param("keyHeld") Instant keyHeld);
}
