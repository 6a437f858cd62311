package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** SQL of {@code hm_message}, one statement per intent (see {@code mapper/MessageMapper.xml}). */
@Mapper
interface MessageMapper {

  void insertPreparedBatch(@Param("items") List<GroupCommit.Prepare> items);

  StoredMessage findByMessageId(@Param("messageId") String messageId);

  List<MessageStateRow> lockStates(@Param("messageIds") Collection<String> messageIds);

  int resolveAllByProducer(
      @Param("messageIds") Collection<String> messageIds,
      @Param("state") MessageState state,
      @Param("resolvedAt") Instant resolvedAt,
      @Param("nextCheckAt") Instant nextCheckAt);

  MessageState findState(@Param("messageId") String messageId);

  int resolveParkedByOperator(
      @Param("messageId") String messageId,
      @Param("state") MessageState state,
      @Param("resolvedAt") Instant resolvedAt,
      @Param("nextCheckAt") Instant nextCheckAt);

  List<StoredMessage> findAllByIds(@Param("ids") Collection<Long> ids);

  List<StoredMessage> findAllByMessageIds(@Param("messageIds") Collection<String> messageIds);
}
