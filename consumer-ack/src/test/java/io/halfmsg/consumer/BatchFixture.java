package io.halfmsg.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.RocketMqHeaders;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The batch processor of one consumer group on one topic, fed with hand-made RocketMQ batches: for
 * tests of the batch transaction without RocketMQ, also from other packages (the Spring
 * transactions).
 */
public final class BatchFixture {

  public static final String TOPIC = "deduction";

  private final RecordingAcks acks = new RecordingAcks();
  private final MessageProcessor messages;
  private final BatchProcessor batches;

  /**
   * Messages of {@link #TOPIC} with a tag of {@code tags} go to {@code handler}, their bodies read
   * as {@code payloadType} (JSON, or String as it is).
   */
  public <T> BatchFixture(
      String group,
      String tags,
      LocalTransactions transactions,
      Class<T> payloadType,
      MessageHandler<T> handler) {
    ObjectMapper json = new ObjectMapper();
    DedupeTable dedupe = new DedupeTable(DedupeTable.DEFAULT_NAME);
    this.messages =
        new MessageProcessor(
            group,
            Map.of(
                TOPIC,
                new Subscription(
                    TOPIC,
                    TagExpression.parse(tags),
                    json.constructType(payloadType),
                    (p, m, c) -> handler.handle(payloadType.cast(p), m, c))),
            transactions,
            dedupe,
            new PayloadReader(json),
            acks,
            Clock.systemUTC());
    this.batches = new BatchProcessor(group, messages, transactions, dedupe, Clock.systemUTC());
  }

  /** What the RocketMQ listener does with one batch. */
  public void process(MessageExt... batch) {
    batches.process(List.of(batch));
  }

  public ConsumerStats stats() {
    return messages.stats();
  }

  /** The ids acked so far, in order. */
  public List<String> acked() {
    return acks.acked();
  }

  /** Creates the dedupe table with the shipped DDL, if it is not there. */
  public static void createDedupeTable(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      new DedupeTable(DedupeTable.DEFAULT_NAME).create(c);
    }
  }

  /** A message of {@link #TOPIC} as RocketMQ delivers it; {@code halfmsgId} may be null. */
  public static MessageExt message(String halfmsgId, String tag, String body) {
    MessageExt m = new MessageExt();
    m.setTopic(TOPIC);
    m.setTags(tag);
    m.setBody(body.getBytes(StandardCharsets.UTF_8));
    m.setMsgId("rmq-" + System.nanoTime());
    if (halfmsgId != null) {
      m.putUserProperty(RocketMqHeaders.MESSAGE_ID, halfmsgId);
    }
    return m;
  }
}
