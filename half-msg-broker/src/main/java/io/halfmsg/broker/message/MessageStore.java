package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.delivery.KeyQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The one home of the {@code hm_message} table: every read and write of message rows goes through
 * here, one method per intent. The allowed transitions and the method that writes each are the
 * table on {@link MessageState}. Writes after a claim are conditional (on the claimed version, or
 * on the state): false or 0 means someone else (the producer, an operator, another instance after
 * the lease ran out) changed the row first, and their outcome stands.
 *
 * <p>Statements run in the caller's transaction, if any; the claims' locks only mean something in
 * one (the scanners' {@code ClaimingScanner#claim}, the group commit's, the retention job's). The
 * SQL is {@link MessageSql} (plain JDBC: the hot path and whole-row reads) and {@link
 * MessageMapper} (MyBatis: the rest).
 *
 * <p>A component, not a {@code @Repository}: both kinds of statements already translate SQL
 * exceptions, and the repository proxy would add a reflective call to every statement.
 */
@Component
public class MessageStore {

  private final MessageSql sql;
  private final MessageMapper mapper;

  MessageStore(MessageSql sql, MessageMapper mapper) {
    this.sql = sql;
    this.mapper = mapper;
  }

  public Optional<StoredMessage> find(String messageId) {
    return sql.find(messageId).stream().findFirst();
  }

  /** The stored messages among these message ids, without locks, in no particular order. */
  public List<StoredMessage> findAll(Collection<String> messageIds) {
    return messageIds.isEmpty() ? List.of() : sql.findAll(messageIds);
  }

  /** The stored messages among these primary keys, without locks, in no particular order. */
  public List<StoredMessage> findAllByIds(Collection<Long> ids) {
    return ids.isEmpty() ? List.of() : sql.findAllByIds(ids);
  }

  /**
   * Inserts a batch of PREPARED messages in one statement; a message id that is taken fails the
   * whole statement ({@code DuplicateKeyException}) and changes nothing.
   */
  void insertPrepared(List<GroupCommit.Prepare> items) {
    sql.insertPrepared(items);
  }

  /**
   * Locks and reads the messages a batch of producer decisions names (sorted ids: see {@link
   * MessageSql#lockForDecision}). Their states, read under the lock, decide which may be decided.
   */
  List<StoredMessage> lockForDecision(Collection<String> messageIds) {
    return sql.lockForDecision(messageIds);
  }

  /**
   * Decides messages {@link #lockForDecision} locked in this transaction, as their producer said,
   * by primary key; returns them as the update left them, for the fast path. The caller has checked
   * that each was undecided (PREPARED or PARKED) when locked. One statement per distinct next look:
   * one for a batch without delivery times, one per delivery time for delayed ones.
   */
  List<StoredMessage> decideByProducer(
      List<StoredMessage> locked,
      MessageState decision,
      Instant now,
      Function<StoredMessage, Instant> nextCheckAt) {
    if (locked.isEmpty()) {
      return List.of();
    }
    Map<Instant, List<Long>> byNextLook = new LinkedHashMap<>();
    List<StoredMessage> decided = new ArrayList<>(locked.size());
    for (StoredMessage m : locked) {
      Instant next = nextCheckAt.apply(m);
      byNextLook.computeIfAbsent(next, k -> new ArrayList<>()).add(m.id());
      decided.add(m.decidedByProducer(decision, now, next));
    }
    byNextLook.forEach((next, ids) -> sql.resolveAllByProducer(ids, decision, now, next));
    return decided;
  }

  /** Moves a parked message to {@code state} on an operator's word; false if it is not parked. */
  boolean resolveParkedByOperator(
      String messageId, MessageState state, Instant now, Instant nextCheckAt) {
    return mapper.resolveParkedByOperator(messageId, state, now, nextCheckAt) == 1;
  }

  /**
   * Sends a parked message back to check-back on an operator's word, with a fresh count of checks
   * due now; false if it is not parked.
   */
  public boolean rearmParked(String messageId, Instant now) {
    return mapper.rearmParked(messageId, now) == 1;
  }

  /**
   * Cancels a COMMITTED message held for its delivery time, before that time and before any scanner
   * claimed it, kept until {@code retainUntil}; false otherwise.
   */
  public boolean cancelHeld(String messageId, Instant now, Instant retainUntil) {
    // Also while it waits behind the head of its sharding key (then it is due at KeyQueue.HELD).
    return mapper.cancelHeld(messageId, now, retainUntil, KeyQueue.HELD) == 1;
  }

  /**
   * The check-back claim's lock: up to {@code limit} PREPARED messages due at {@code now}, skipping
   * rows other instances hold, with the version {@link #extendLease} will write.
   */
  public List<DueMessage> lockDuePrepared(Instant now, int limit) {
    return mapper.lockDuePrepared(now, limit);
  }

  /**
   * The forward recovery claim's lock: the primary keys of up to {@code limit} COMMITTED messages
   * due at {@code now}, skipping rows other instances hold.
   */
  public List<Long> lockDueCommitted(Instant now, int limit) {
    return mapper.lockDueCommitted(now, limit);
  }

  /**
   * A claim's lease, on the rows its transaction locked: their next look pushed to {@code
   * leaseUntil}, their versions bumped. Returns the number of rows changed.
   */
  public int extendLease(List<Long> ids, Instant leaseUntil) {
    return mapper.extendLease(ids, leaseUntil);
  }

  /** Decides a claimed message as its check-back answered; false if the version moved on. */
  public boolean resolveByCheckBack(
      long id, int version, MessageState state, Instant now, Instant nextCheckAt) {
    return mapper.resolveByCheckBack(id, version, state, now, nextCheckAt) == 1;
  }

  /** One more check-back of a claimed message, at {@code next}; false if the version moved on. */
  public boolean scheduleNextCheck(long id, int version, Instant next) {
    return mapper.scheduleNextCheck(id, version, next) == 1;
  }

  /** Parks a claimed message for an operator; false if the version moved on. */
  public boolean park(long id, int version) {
    return mapper.park(id, version) == 1;
  }

  /**
   * A recovery send of a claimed COMMITTED message failed: it is tried again at {@code next}
   * instead of when the lease runs out; false if the version moved on or it is no longer COMMITTED.
   */
  public boolean retryForwardAt(long id, int version, Instant next) {
    return mapper.retryForwardAt(id, version, next) == 1;
  }

  /**
   * Brings COMMITTED messages whose fast-path send failed forward to {@code due} for the recovery
   * scanner, never later than they were due and not once they are forwarded; returns how many.
   */
  public int dueSooner(List<Long> ids, Instant due) {
    return sql.dueSooner(ids, due);
  }

  /**
   * Marks messages RocketMQ stored FORWARDED, kept until {@code retainUntil}; each once (a second
   * confirmation changes nothing). Returns how many were confirmed now.
   */
  public int confirmForwarded(List<Long> ids, Instant forwardedAt, Instant retainUntil) {
    return sql.confirmForwarded(ids, forwardedAt, retainUntil);
  }

  /** {@link #confirmForwarded} by message id, for messages a consumer group acked. */
  public int confirmForwardedByMessageId(
      List<String> messageIds, Instant forwardedAt, Instant retainUntil) {
    return sql.confirmForwardedByMessageId(messageIds, forwardedAt, retainUntil);
  }

  /**
   * The retention claim's lock: up to {@code limit} messages in {@code state} whose retention ran
   * out at {@code now}, skipping rows other instances hold.
   */
  public List<ExpiredMessage> lockExpired(MessageState state, Instant now, int limit) {
    return mapper.lockExpired(state, now, limit);
  }

  /** Expired messages that must be kept for now are looked at again at {@code until}. */
  public void postpone(List<Long> ids, Instant until) {
    mapper.postpone(ids, until);
  }

  /** Deletes expired messages {@link #lockExpired} locked in this transaction. */
  public void deleteExpired(List<Long> ids) {
    mapper.deleteExpired(ids);
  }
}
