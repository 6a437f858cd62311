package io.halfmsg.demo.faults;

import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * For the chaos test only: the process dies the instant its local transaction has committed, as
 * under {@code kill -9} at the worst moment — order-service before its commit call reaches the
 * broker, repo-service before its ack does. {@link Runtime#halt} runs no shutdown hook and flushes
 * nothing, so nothing queued in the SDKs gets out.
 *
 * <p>Registered ahead of every other synchronization ({@link Ordered#HIGHEST_PRECEDENCE}), so the
 * SDKs' own after-commit work (the template queueing the commit call, the consumer's ack) never
 * starts. Each service enables it with a property that is off by default.
 */
public final class CrashAfterCommit implements TransactionSynchronization, Ordered {

  /** The exit code of a process that halted here, as after SIGKILL. */
  public static final int EXIT_CODE = 137;

  private final String what;

  private CrashAfterCommit(String what) {
    this.what = what;
  }

  /**
   * Halts the JVM right after the current transaction commits.
   *
   * @param what the work that committed, for the last line the process prints
   * @throws IllegalStateException if no transaction with synchronization is active
   */
  public static void register(String what) {
    TransactionSynchronizationManager.registerSynchronization(new CrashAfterCommit(what));
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public void afterCommit() {
    System.out.println("CRASH_AFTER_COMMIT " + what + ": halting before anything else runs");
    System.out.flush();
    Runtime.getRuntime().halt(EXIT_CODE);
  }
}
