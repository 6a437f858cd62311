package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/**
 * SQL of {@code hm_message}, one statement per intent (see {@code mapper/MessageMapper.xml}); the
 * group commit's batch statements are in {@link MessageBatchSql}.
 */
@Mapper
interface MessageMapper {

  StoredMessage findByMessageId(@Param("messageId") String messageId);

  int resolveParkedByOperator(
      @Param("messageId") String messageId,
      @Param("state") MessageState state,
      @Param("resolvedAt") Instant resolvedAt,
      @Param("nextCheckAt") Instant nextCheckAt);

  List<StoredMessage> findAllByIds(@Param("ids") Collection<Long> ids);

  List<StoredMessage> findAllByMessageIds(@Param("messageIds") Collection<String> messageIds);
}
