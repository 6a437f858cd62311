package io.halfmsg.broker.history;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

@Mapper
interface HistoryMapper {

  int insert(
      @Param("messageId") String messageId,
      @Param("at") Instant at,
      @Param("event") String event,
      @Param("consumerGroup") String consumerGroup,
      @Param("detail") String detail,
      @Param("actor") String actor);

  int insertAll(@Param("entries") List<StoredEvent> entries);

  /** The latest {@code limit} events, oldest first. */
  List<HistoryEntry> findLatest(@Param("messageId") String messageId, @Param("limit") int limit);

  int deleteOf(@Param("messageIds") List<String> messageIds);

  /** An event to store. */
  record StoredEvent(
      String messageId,
      Instant at,
      String event,
      String consumerGroup,
      String detail,
      String actor) {}
}
