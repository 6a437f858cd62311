package io.halfmsg.producer.testing;

import io.halfmsg.api.CheckBackRequest;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-written {@link TransactionChecker} as an application would write one: it answers from what
 * the test recorded about each local transaction, and a default for messages it never heard of.
 */
public final class ScriptedChecker implements TransactionChecker {

  private final Map<String, TransactionState> outcomes = new ConcurrentHashMap<>();
  private final List<CheckBackRequest> calls = new CopyOnWriteArrayList<>();
  private volatile TransactionState unknownIds;

  public ScriptedChecker(TransactionState forUnknownIds) {
    this.unknownIds = forUnknownIds;
  }

  public void record(String messageId, TransactionState outcome) {
    outcomes.put(messageId, outcome);
  }

  public void answerForUnknownIds(TransactionState state) {
    this.unknownIds = state;
  }

  public List<CheckBackRequest> callsFor(String messageId) {
    return calls.stream().filter(c -> c.messageId().equals(messageId)).toList();
  }

  @Override
  public TransactionState check(CheckBackRequest request) {
    calls.add(request);
    return outcomes.getOrDefault(request.messageId(), unknownIds);
  }
}
