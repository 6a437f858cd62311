package io.halfmsg.broker.message;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.delivery.CommitHandoff;
import io.halfmsg.broker.scan.Batcher;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for the hot path. Prepares, and producers' commits and rollbacks, from concurrent
 * requests share one transaction (one log flush) and, for prepares, one statement. Nothing waits on
 * purpose: a batch is whatever queued while the previous one was being written, so a lone request
 * is written at once and a busy broker writes hundreds per transaction. Each request still gets its
 * own answer only after its row is durable.
 */
@Component
class GroupCommit implements DisposableBean {

  private static final int MAX_BATCH = 200;
  private static final long MAX_PREPARE_BATCH_BYTES = 2L * 1024 * 1024;
  private static final long ANSWER_TIMEOUT_SECONDS = 30;

  /** A prepare waiting for its batch; completes with true if it inserted the row. */
  record Prepare(
      NewMessage message, Instant now, Instant nextCheckAt, CompletableFuture<Boolean> done) {}

  /** A producer decision waiting for its batch; completes with true if it changed the state. */
  record Resolve(
      String messageId, MessageState target, Instant now, CompletableFuture<Boolean> done) {}

  private final MessageBatchSql sql;
  private final CommitHandoff handoff;
  private final NextLook nextLook;
  private final TransactionTemplate transaction;
  private final Batcher<Prepare> prepares;
  private final Batcher<Resolve> resolves;

  GroupCommit(
      MessageBatchSql sql,
      CommitHandoff handoff,
      NextLook nextLook,
      TransactionTemplate transaction) {
    this.sql = sql;
    this.handoff = handoff;
    this.nextLook = nextLook;
    this.transaction = transaction;
    this.prepares = new Batcher<>("halfmsg-prepare", 10_000, MAX_BATCH, 2, this::writePrepares);
    this.resolves = new Batcher<>("halfmsg-resolve", 10_000, MAX_BATCH, 2, this::writeResolves);
  }

  /** Inserts a PREPARED message; false if a message with its id already exists. */
  boolean insertPrepared(NewMessage message, Instant now, Instant nextCheckAt) {
    Prepare p = new Prepare(message, now, nextCheckAt, new CompletableFuture<>());
    if (!prepares.offer(p)) {
      return insertOne(message, now, nextCheckAt);
    }
    return await(p.done());
  }

  /** Applies a producer's decision to an undecided message; false if it is not undecided. */
  boolean resolveByProducer(String messageId, MessageState target, Instant now) {
    Resolve r = new Resolve(messageId, target, now, new CompletableFuture<>());
    if (!resolves.offer(r)) {
      writeResolves(List.of(r));
    }
    return await(r.done());
  }

  private void writePrepares(List<Prepare> batch) {
    for (List<Prepare> chunk : bySize(batch)) {
      try {
        transaction.executeWithoutResult(s -> sql.insertPrepared(chunk));
        chunk.forEach(p -> p.done().complete(true));
      } catch (DuplicateKeyException e) {
        // A retried prepare is in the chunk: write them one by one to tell which.
        chunk.forEach(this::insertOneInto);
      } catch (RuntimeException e) {
        chunk.forEach(p -> p.done().completeExceptionally(e));
      }
    }
  }

  private void insertOneInto(Prepare p) {
    try {
      p.done().complete(insertOne(p.message(), p.now(), p.nextCheckAt()));
    } catch (RuntimeException e) {
      p.done().completeExceptionally(e);
    }
  }

  private boolean insertOne(NewMessage message, Instant now, Instant nextCheckAt) {
    try {
      sql.insertPrepared(
          List.of(new Prepare(message, now, nextCheckAt, CompletableFuture.completedFuture(true))));
      return true;
    } catch (DuplicateKeyException e) {
      return false;
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

  /**
   * One transaction for a batch of decisions: lock the named messages and read them, then one
   * UPDATE per outcome and one INSERT of deliveries, whatever the batch size. Of two decisions on
   * one message in a batch the first wins, as it would one after the other.
   */
  private void writeResolves(List<Resolve> batch) {
    Instant now = batch.get(0).now();
    Map<Resolve, Boolean> changed = new IdentityHashMap<>();
    try {
      transaction.executeWithoutResult(
          s -> {
            Map<String, StoredMessage> rows = new HashMap<>();
            sql.lockForDecision(batch.stream().map(Resolve::messageId).distinct().toList())
                .forEach(m -> rows.put(m.messageId(), m));
            Map<String, MessageState> states = new HashMap<>();
            rows.forEach((id, m) -> states.put(id, m.state()));
            changed.clear();
            Set<String> committed = new LinkedHashSet<>();
            Set<String> rolledBack = new LinkedHashSet<>();
            for (Resolve r : batch) {
              MessageState current = states.get(r.messageId());
              boolean undecided =
                  current == MessageState.PREPARED || current == MessageState.PARKED;
              if (undecided) {
                states.put(r.messageId(), r.target());
                (r.target() == MessageState.COMMITTED ? committed : rolledBack).add(r.messageId());
              }
              changed.put(r, undecided);
            }
            Instant nextForward = nextLook.after(MessageState.COMMITTED, now);
            if (!committed.isEmpty()) {
              sql.resolveAllByProducer(committed, MessageState.COMMITTED, now, nextForward);
            }
            if (!rolledBack.isEmpty()) {
              sql.resolveAllByProducer(
                  rolledBack,
                  MessageState.ROLLED_BACK,
                  now,
                  nextLook.after(MessageState.ROLLED_BACK, now));
            }
            handoff.committedAsRead(
                committed.stream()
                    .map(id -> committedByProducer(rows.get(id), now, nextForward))
                    .toList(),
                now);
          });
      batch.forEach(r -> r.done().complete(changed.get(r)));
    } catch (RuntimeException e) {
      batch.forEach(r -> r.done().completeExceptionally(e));
    }
  }

  /** A message as {@code resolveAllByProducer} leaves it when it commits it. */
  private static StoredMessage committedByProducer(
      StoredMessage m, Instant now, Instant nextCheckAt) {
    return new StoredMessage(
        m.id(),
        m.messageId(),
        m.producerGroup(),
        m.topic(),
        m.tag(),
        m.keys(),
        m.body(),
        m.bodyEncoding(),
        m.properties(),
        MessageState.COMMITTED,
        m.checkCount(),
        nextCheckAt,
        m.version() + 1,
        m.createdAt(),
        now,
        ResolvedBy.PRODUCER,
        m.forwardedAt());
  }

  private static boolean await(CompletableFuture<Boolean> done) {
    try {
      return done.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
