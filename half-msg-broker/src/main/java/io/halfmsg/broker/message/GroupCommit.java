package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.batch.Batcher;
import io.halfmsg.broker.delivery.CommitHandoff;
import io.halfmsg.broker.delivery.KeyQueue;
import io.halfmsg.broker.jdbc.LockConflictRetry;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for the hot path. Prepares, and producers' commits and rollbacks, from concurrent
 * requests share one transaction (one log flush) and, for prepares, one statement. Nothing waits on
 * purpose: a batch is whatever queued while the previous one was being written, so a lone request
 * is written at once and a busy broker writes hundreds per transaction. Each request still gets its
 * answers only after its rows are durable.
 *
 * <p>A request's items (one for the single calls, up to 1000 for a batch request) are queued as one
 * unit: they are written in one transaction, and admitted or refused together. When the queue is
 * full the request is refused with 503 {@code overloaded} and Retry-After, before anything is
 * written, instead of piling up threads and memory behind a store that cannot keep up.
 */
@Component
class GroupCommit implements DisposableBean {

  private static final int MAX_BATCH = 200;
  private static final long MAX_PREPARE_BATCH_BYTES = 2L * 1024 * 1024;
  private static final long ANSWER_TIMEOUT_SECONDS = 30;

  /** Inserts of one chunk before giving up on ids that keep appearing and vanishing. */
  private static final int MAX_INSERT_ROUNDS = 3;

  /**
   * What a prepare found: it inserted the row ({@code created}), or a message with its id was there
   * already, in {@code state}, with the same content or not.
   */
  record PrepareOutcome(boolean created, MessageState state, boolean sameContent) {
    static final PrepareOutcome CREATED = new PrepareOutcome(true, MessageState.PREPARED, true);
  }

  /**
   * What a producer decision found: it changed the state ({@code changed}, now {@code state}), or
   * the message was in {@code state} already (null: no such message).
   */
  record ResolveOutcome(boolean changed, MessageState state) {}

  /** A prepare waiting for its batch. */
  record Prepare(
      NewMessage message,
      Instant now,
      Instant nextCheckAt,
      CompletableFuture<PrepareOutcome> done) {

    /** The stored {@code deliver_at}: the request's delay from this prepare's time. */
    Instant deliverAt() {
      return message.deliverAtFrom(now);
    }
  }

  /** A producer decision waiting for its batch. */
  record Resolve(
      String messageId, MessageState target, Instant now, CompletableFuture<ResolveOutcome> done) {}

  private final MessageStore store;
  private final KeyQueue keys;
  private final CommitHandoff handoff;
  private final NextLook nextLook;
  private final TransactionTemplate transaction;
  private final LockConflictRetry lockConflicts;
  private final Batcher<Prepare> prepares;
  private final Batcher<Resolve> resolves;
  private final Counter refused;

  GroupCommit(
      MessageStore store,
      KeyQueue keys,
      CommitHandoff handoff,
      NextLook nextLook,
      TransactionTemplate transaction,
      LockConflictRetry lockConflicts,
      MessageProperties properties,
      MeterRegistry meters) {
    this.store = store;
    this.keys = keys;
    this.handoff = handoff;
    this.nextLook = nextLook;
    this.transaction = transaction;
    this.lockConflicts = lockConflicts;
    int capacity = properties.writeQueueCapacity();
    this.prepares = new Batcher<>("halfmsg-prepare", capacity, MAX_BATCH, 2, this::writePrepares);
    this.resolves = new Batcher<>("halfmsg-resolve", capacity, MAX_BATCH, 2, this::writeResolves);
    this.refused =
        Counter.builder("halfmsg.api.overloaded")
            .description("Requests refused with 503 because the write queue was full")
            .register(meters);
    Gauge.builder("halfmsg.write-queue.waiting", prepares, Batcher::waiting)
        .tag("queue", "prepare")
        .register(meters);
    Gauge.builder("halfmsg.write-queue.waiting", resolves, Batcher::waiting)
        .tag("queue", "decision")
        .register(meters);
  }

  /**
   * Inserts PREPARED messages, in one transaction with whatever else is queued; one outcome per
   * message, in order. Of two messages with one id the first is written and the second answered as
   * if it came after it.
   */
  List<PrepareOutcome> prepareAll(
      List<NewMessage> messages, Instant now, Function<NewMessage, Instant> nextCheckAt) {
    List<Prepare> items = new ArrayList<>(messages.size());
    for (NewMessage m : messages) {
      items.add(new Prepare(m, now, nextCheckAt.apply(m), new CompletableFuture<>()));
    }
    admit(prepares.offerAll(items));
    return awaitAll(items.stream().map(Prepare::done).toList());
  }

  /**
   * Applies producer decisions to undecided messages, in one transaction with whatever else is
   * queued; one outcome per decision, in order. Of two decisions on one message the first wins, as
   * it would one after the other.
   */
  List<ResolveOutcome> resolveAll(
      List<String> messageIds, List<MessageState> targets, Instant now) {
    List<Resolve> items = new ArrayList<>(messageIds.size());
    for (int i = 0; i < messageIds.size(); i++) {
      items.add(new Resolve(messageIds.get(i), targets.get(i), now, new CompletableFuture<>()));
    }
    admit(resolves.offerAll(items));
    return awaitAll(items.stream().map(Resolve::done).toList());
  }

  private void admit(boolean admitted) {
    if (!admitted) {
      refused.increment();
      throw new ApiException(
          ProblemType.OVERLOADED,
          "The broker's write queue is full (halfmsg.message.write-queue-capacity); nothing of"
              + " this request was written. Send it again after Retry-After.");
    }
  }

  private void writePrepares(List<Prepare> batch) {
    try {
      Map<Prepare, PrepareOutcome> outcomes =
          lockConflicts.run(() -> transaction.execute(s -> insertAll(batch)));
      batch.forEach(p -> p.done().complete(outcomes.get(p)));
    } catch (RuntimeException | Error e) {
      // Every waiting request gets an answer (503), whatever went wrong.
      batch.forEach(p -> p.done().completeExceptionally(e));
    }
  }

  /** One transaction: the batch's new messages in as few statements as their bodies allow. */
  private Map<Prepare, PrepareOutcome> insertAll(List<Prepare> batch) {
    Map<String, Prepare> firsts = new LinkedHashMap<>();
    batch.forEach(p -> firsts.putIfAbsent(p.message().messageId(), p));
    Map<String, StoredMessage> existing = new HashMap<>();
    for (List<Prepare> chunk : bySize(new ArrayList<>(firsts.values()))) {
      insertAbsent(chunk, existing);
    }
    Map<Prepare, PrepareOutcome> outcomes = new IdentityHashMap<>();
    List<String> keyed = new ArrayList<>();
    for (Prepare p : batch) {
      StoredMessage there = existing.get(p.message().messageId());
      Prepare first = firsts.get(p.message().messageId());
      if (there != null) {
        outcomes.put(p, new PrepareOutcome(false, there.state(), p.message().sameContentAs(there)));
      } else if (p == first) {
        outcomes.put(p, PrepareOutcome.CREATED);
        if (p.message().shardingKey() != null) {
          keyed.add(p.message().messageId());
        }
      } else {
        outcomes.put(
            p,
            new PrepareOutcome(
                false,
                MessageState.PREPARED,
                p.message().sameContentAs(first.message(), first.now())));
      }
    }
    keys.enqueue(keyed);
    return outcomes;
  }

  /**
   * Inserts the chunk's messages whose ids are free, and collects the stored rows of those that are
   * not. The hot path is one INSERT; only a retried prepare in the chunk costs a read, after which
   * the rest goes in with one more INSERT. A failed INSERT is undone alone (statement atomicity);
   * the transaction goes on.
   */
  private void insertAbsent(List<Prepare> chunk, Map<String, StoredMessage> existing) {
    List<Prepare> rest = chunk;
    for (int round = 1; !rest.isEmpty(); round++) {
      try {
        store.insertPrepared(rest);
        return;
      } catch (DuplicateKeyException e) {
        if (round >= MAX_INSERT_ROUNDS) {
          throw e;
        }
        // The conflicting row is committed (an uncommitted one would have made the INSERT wait),
        // so this read sees it; one deleted by retention meanwhile frees its id again.
        store
            .findAll(rest.stream().map(p -> p.message().messageId()).toList())
            .forEach(m -> existing.put(m.messageId(), m));
        rest = rest.stream().filter(p -> !existing.containsKey(p.message().messageId())).toList();
      }
    }
  }

  /** Bodies can be large: keep each statement well under the server's packet limit. */
  private static List<List<Prepare>> bySize(List<Prepare> batch) {
    List<List<Prepare>> chunks = new ArrayList<>();
    List<Prepare> current = new ArrayList<>();
    long bytes = 0;
    for (Prepare p : batch) {
      long size = p.message().body().length;
      if (!current.isEmpty() && bytes + size > MAX_PREPARE_BATCH_BYTES) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(p);
      bytes += size;
    }
    chunks.add(current);
    return chunks;
  }

  private void writeResolves(List<Resolve> batch) {
    try {
      Map<Resolve, ResolveOutcome> outcomes =
          lockConflicts.run(() -> transaction.execute(s -> resolveInOneTransaction(batch)));
      batch.forEach(r -> r.done().complete(outcomes.get(r)));
    } catch (RuntimeException | Error e) {
      batch.forEach(r -> r.done().completeExceptionally(e));
    }
  }

  /**
   * One transaction for a batch of decisions: lock the named messages and read them, then one
   * UPDATE per outcome and one INSERT of deliveries, whatever the batch size. Of two decisions on
   * one message in a batch the first wins, as it would one after the other.
   */
  private Map<Resolve, ResolveOutcome> resolveInOneTransaction(List<Resolve> batch) {
    Instant now = batch.get(0).now();
    // Sorted, so that concurrent batches ask for their row locks in one order.
    Set<String> ids = new TreeSet<>();
    batch.forEach(r -> ids.add(r.messageId()));
    Map<String, StoredMessage> rows = new HashMap<>();
    store.lockForDecision(ids).forEach(m -> rows.put(m.messageId(), m));
    Map<String, MessageState> states = new HashMap<>();
    rows.forEach((id, m) -> states.put(id, m.state()));
    Map<Resolve, ResolveOutcome> outcomes = new IdentityHashMap<>();
    Set<String> committed = new LinkedHashSet<>();
    Set<String> rolledBack = new LinkedHashSet<>();
    for (Resolve r : batch) {
      MessageState current = states.get(r.messageId());
      boolean undecided = current == MessageState.PREPARED || current == MessageState.PARKED;
      if (undecided) {
        states.put(r.messageId(), r.target());
        (r.target() == MessageState.COMMITTED ? committed : rolledBack).add(r.messageId());
        outcomes.put(r, new ResolveOutcome(true, r.target()));
      } else {
        outcomes.put(r, new ResolveOutcome(false, current));
      }
    }
    List<StoredMessage> nowCommitted =
        store.decideByProducer(
            committed.stream().map(rows::get).toList(),
            MessageState.COMMITTED,
            now,
            m -> nextLook.afterCommit(m.deliverAt(), now));
    Instant rolledBackLook = nextLook.after(MessageState.ROLLED_BACK, now);
    List<StoredMessage> nowRolledBack = rolledBack.stream().map(rows::get).toList();
    store.decideByProducer(nowRolledBack, MessageState.ROLLED_BACK, now, m -> rolledBackLook);
    handoff.committedAsRead(nowCommitted, now);
    handoff.withdrawn(
        nowRolledBack.stream()
            .filter(m -> m.shardingKey() != null)
            .map(StoredMessage::messageId)
            .toList(),
        now);
    return outcomes;
  }

  /** Waits for a request's items, all written in one transaction, with one deadline. */
  private static <T> List<T> awaitAll(List<CompletableFuture<T>> done) {
    try {
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
          .get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return done.stream().map(CompletableFuture::join).toList();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new ApiException(
          ProblemType.STORE_UNAVAILABLE, "The message store did not answer in time; retry.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(ProblemType.STORE_UNAVAILABLE, "Interrupted; retry.");
    }
  }

  @Override
  public void destroy() {
    prepares.close();
    resolves.close();
  }
}
