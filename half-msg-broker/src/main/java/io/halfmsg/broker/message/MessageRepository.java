package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Repository;

/** Stores half messages and changes their state. */
@Repository
public class MessageRepository {

  private final MessageMapper mapper;

  MessageRepository(MessageMapper mapper) {
    this.mapper = mapper;
  }

  public Optional<StoredMessage> find(String messageId) {
    return Optional.ofNullable(mapper.findByMessageId(messageId));
  }

  /** Moves a parked message to {@code state} on an operator's word; false if it is not parked. */
  boolean resolveParkedByOperator(
      String messageId, MessageState state, Instant now, Instant nextLook) {
    return mapper.resolveParkedByOperator(messageId, state, now, nextLook) == 1;
  }

  public List<StoredMessage> findAllByIds(Collection<Long> ids) {
    return ids.isEmpty() ? List.of() : mapper.findAllByIds(ids);
  }

  public List<StoredMessage> findAllByMessageIds(Collection<String> messageIds) {
    return messageIds.isEmpty() ? List.of() : mapper.findAllByMessageIds(messageIds);
  }
}
