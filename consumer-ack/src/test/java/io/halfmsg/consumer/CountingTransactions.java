package io.halfmsg.consumer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the local transactions a consumer opens, around the real ones: how a test tells one
 * transaction per batch from one per message.
 */
public final class CountingTransactions implements LocalTransactions {

  private final LocalTransactions delegate;
  private final AtomicInteger started = new AtomicInteger();

  public CountingTransactions(LocalTransactions delegate) {
    this.delegate = delegate;
  }

  @Override
  public <T> T execute(Work<T> work) throws Exception {
    started.incrementAndGet();
    return delegate.execute(work);
  }

  /** Transactions started so far (committed or rolled back). */
  public int started() {
    return started.get();
  }
}
