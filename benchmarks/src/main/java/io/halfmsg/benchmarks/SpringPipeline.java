package io.halfmsg.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * halfmsg from Spring: {@link SpringOrderApplication} started in the driver JVM with the properties
 * a user sets (datasource, broker URL, tokens, groups, check-back secret, name server, pool and
 * consume threads) and the SDKs' auto-configuration for everything else. Only the order workload:
 * {@code HalfmsgTemplate} always writes a barrier row, so there is no messaging-only variant.
 */
final class SpringPipeline implements Pipeline {

  private final ConfigurableApplicationContext context;
  private final SpringOrderApplication.OrderService orders;
  private final SpringOrderApplication.StockListener listener;

  SpringPipeline(
      DeliveryTracker tracker,
      BenchDatabases db,
      BrokerProcess broker,
      String namesrvAddr,
      BenchSettings s) {
    List<String> p = new ArrayList<>();
    p.add("spring.main.banner-mode=off");
    p.add("spring.jmx.enabled=false");
    p.add("logging.level.root=WARN");
    p.add("logging.level.org.apache.rocketmq=ERROR");
    p.add("spring.datasource.url=" + db.appUrl());
    p.add("spring.datasource.username=" + db.user());
    p.add("spring.datasource.password=" + db.password());
    p.add("spring.datasource.hikari.pool-name=bench-spring");
    p.add("spring.datasource.hikari.maximum-pool-size=" + s.springPool());
    // The same Connector/J settings as the plain-Java pools (AppDatabase) and the broker.
    for (String[] kv : AppDatabase.DRIVER_SETTINGS) {
      p.add("spring.datasource.hikari.data-source-properties." + kv[0] + "=" + kv[1]);
    }
    p.add("halfmsg.producer.broker-urls=" + broker.url());
    p.add("halfmsg.producer.token=" + broker.producerToken);
    p.add("halfmsg.producer.producer-group=" + SpringOrderApplication.GROUP + "_producer");
    p.add("halfmsg.producer.check-back.secret=" + broker.checkBackSecret);
    p.add("halfmsg.producer.check-back.host=127.0.0.1");
    p.add("halfmsg.consumer.broker-urls=" + broker.url());
    p.add("halfmsg.consumer.token=" + broker.consumerToken);
    p.add("halfmsg.consumer.namesrv-addr=" + namesrvAddr);
    p.add("halfmsg.consumer.consume-threads=" + s.consumeThreads());
    context =
        new SpringApplicationBuilder(SpringOrderApplication.class)
            .web(WebApplicationType.NONE)
            .properties(p.toArray(String[]::new))
            .initializers(c -> c.getBeanFactory().registerSingleton("tracker", tracker))
            .run();
    orders = context.getBean(SpringOrderApplication.OrderService.class);
    listener = context.getBean(SpringOrderApplication.StockListener.class);
  }

  @Override
  public String mode() {
    return "halfmsg-spring";
  }

  @Override
  public boolean send(OrderEvent order) {
    // Returns once the local transaction committed; the message's commit follows in the
    // background (HalfmsgTemplate sends it after completion).
    orders.placeOrder(order);
    return true;
  }

  @Override
  public String consumerGroup() {
    return SpringOrderApplication.GROUP;
  }

  @Override
  public long committed() {
    return listener.committed();
  }

  @Override
  public void close() {
    context.close();
  }
}
