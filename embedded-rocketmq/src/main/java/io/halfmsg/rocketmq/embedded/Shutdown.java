package io.halfmsg.rocketmq.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.RemotingServer;
import org.apache.rocketmq.store.MessageStore;

/**
 * Stops a broker and its name server in about 3.5 s instead of the 9 s or so that calling their
 * {@code shutdown()} one after the other takes.
 *
 * <p>Almost all of that time is waiting, not work: the message store pauses 3 s for in-flight work,
 * and each network listener and client waits up to 3 s for its event thread to notice the stop. The
 * broker does these one after another. Here, right after the broker has unregistered from the name
 * server (its last use of it, and the point where its own shutdown hook runs), the slow parts are
 * started on threads of their own so that their waits overlap. RocketMQ's stop methods return at
 * once when called a second time, so the broker's own calls then skip what is already stopping.
 */
final class Shutdown {

  private final List<Thread> threads = new ArrayList<>();
  private final List<Throwable> failures = new ArrayList<>();

  private Shutdown() {}

  /**
   * Stops both; either may be null. Failures are thrown after everything had its chance to stop.
   */
  static void stop(BrokerController broker, NamesrvController namesrv) {
    new Shutdown().run(broker, namesrv);
  }

  private void run(BrokerController broker, NamesrvController namesrv) {
    boolean[] namesrvHandedOff = {false};
    try {
      if (broker != null) {
        if (broker.getTransactionalMessageCheckService() != null) {
          // Stopping it wakes it for one last check; later the store would be closed under it and
          // the check would log errors.
          broker.getTransactionalMessageCheckService().shutdown();
        }
        broker.setShutdownHook(
            stopping -> {
              if (namesrv != null) {
                namesrvHandedOff[0] = true;
                inParallel("namesrv", namesrv::shutdown);
              }
              stopStoreInParallel(stopping.getMessageStore());
              stopListenerInParallel("listener", stopping.getRemotingServer());
              stopListenerInParallel("fast-listener", stopping.getFastRemotingServer());
              if (stopping.getBrokerOuterAPI() != null) {
                inParallel("namesrv-client", stopping.getBrokerOuterAPI()::shutdown);
              }
            });
        broker.shutdown();
        awaitParallel();
        if (broker.getMessageStore() != null) {
          // Unmaps the store's files now rather than whenever the garbage collector gets to them.
          broker.getMessageStore().destroy();
        }
      }
    } catch (RuntimeException e) {
      failures.add(e);
    } finally {
      awaitParallel();
      if (namesrv != null && !namesrvHandedOff[0]) {
        try {
          namesrv.shutdown();
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
    }
    throwFailures();
  }

  private void stopStoreInParallel(MessageStore store) {
    if (store == null || store.isShutdown()) {
      return;
    }
    inParallel("store", store::shutdown);
    // The store's stop is guarded by a plain flag check, not an atomic one: wait until our thread
    // has set it, so that the broker's own call cannot run the whole stop a second time alongside.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (!store.isShutdown() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private void stopListenerInParallel(String name, RemotingServer server) {
    if (server != null) {
      inParallel(name, server::shutdown);
    }
  }

  private synchronized void inParallel(String name, Runnable task) {
    Thread thread =
        new Thread(
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                synchronized (this) {
                  failures.add(e);
                }
              }
            },
            "embedded-rocketmq-stop-" + name);
    threads.add(thread);
    thread.start();
  }

  private void awaitParallel() {
    List<Thread> started;
    synchronized (this) {
      started = new ArrayList<>(threads);
      threads.clear();
    }
    boolean interrupted = false;
    for (Thread thread : started) {
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          // Finish stopping anyway: a half-stopped broker would keep its ports and threads.
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void throwFailures() {
    if (failures.isEmpty()) {
      return;
    }
    IllegalStateException e = new IllegalStateException("Embedded RocketMQ did not stop cleanly");
    failures.forEach(e::addSuppressed);
    throw e;
  }
}
