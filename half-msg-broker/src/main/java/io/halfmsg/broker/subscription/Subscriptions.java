package io.halfmsg.broker.subscription;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/** The subscriptions with their lag, for the admin API and the console. */
@Service
public class Subscriptions {

  private final SubscriptionMapper mapper;

  Subscriptions(SubscriptionMapper mapper) {
    this.mapper = mapper;
  }

  public List<SubscriptionView> withLag() {
    Map<String, Lag> lag =
        mapper.lag().stream()
            .collect(Collectors.toMap(l -> key(l.consumerGroup(), l.topic()), l -> l));
    return mapper.findAll().stream()
        .map(
            s ->
                SubscriptionView.of(
                    s,
                    lag.getOrDefault(
                        key(s.consumerGroup(), s.topic()), Lag.none(s.consumerGroup(), s.topic()))))
        .toList();
  }

  private static String key(String consumerGroup, String topic) {
    // Neither name may contain a space (RocketMQ's charset).
    return consumerGroup + " " + topic;
  }
}
