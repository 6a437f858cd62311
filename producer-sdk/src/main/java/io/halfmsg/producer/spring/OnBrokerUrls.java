package io.halfmsg.producer.spring;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code halfmsg.producer.broker-urls} has an entry, written either way: {@code
 * broker-urls=a,b} or as a YAML list ({@code broker-urls[0]=a}), which
 * {@code @ConditionalOnProperty} would not see.
 */
public final class OnBrokerUrls extends SpringBootCondition {

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    List<String> urls =
        Binder.get(context.getEnvironment())
            .bind("halfmsg.producer.broker-urls", Bindable.listOf(String.class))
            .orElse(List.of());
    return urls.stream().anyMatch(u -> u != null && !u.isBlank())
        ? ConditionOutcome.match("halfmsg.producer.broker-urls is set")
        : ConditionOutcome.noMatch("halfmsg.producer.broker-urls is not set");
  }
}
