package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Repository;

/** Stores half messages and changes their state. */
@Repository
public class MessageRepository {

  private final MessageMapper mapper;

  MessageRepository(MessageMapper mapper) {
    this.mapper = mapper;
  }

  /** Stores a new PREPARED message; false if a message with its id already exists. */
  boolean insertPrepared(NewMessage message, Instant now, Instant nextCheckAt) {
    try {
      mapper.insertPrepared(message, now, nextCheckAt);
      return true;
    } catch (DuplicateKeyException e) {
      return false;
    }
  }

  public Optional<StoredMessage> find(String messageId) {
    return Optional.ofNullable(mapper.findByMessageId(messageId));
  }

  Optional<MessageState> stateOf(String messageId) {
    return Optional.ofNullable(mapper.findState(messageId));
  }

  /**
   * Moves an undecided (prepared or parked) message to {@code state} on the producer's word; false
   * if it is unknown or already decided.
   */
  boolean resolveByProducer(String messageId, MessageState state, Instant now, Instant nextLook) {
    return mapper.resolveByProducer(messageId, state, now, nextLook) == 1;
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
