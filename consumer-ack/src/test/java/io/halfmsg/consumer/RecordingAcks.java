package io.halfmsg.consumer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps acks instead of sending them: a consumer whose acks never reach the broker. */
final class RecordingAcks implements Acks {

  private final List<String> acked = new CopyOnWriteArrayList<>();

  @Override
  public void start() {}

  @Override
  public void enqueue(String messageId) {
    acked.add(messageId);
  }

  @Override
  public void close() {}

  @Override
  public long sent() {
    return 0;
  }

  @Override
  public long dropped() {
    return acked.size();
  }

  @Override
  public long pending() {
    return 0;
  }

  List<String> acked() {
    return List.copyOf(acked);
  }
}
