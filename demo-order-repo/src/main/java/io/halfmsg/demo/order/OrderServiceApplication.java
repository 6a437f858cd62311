package io.halfmsg.demo.order;

import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * order-service of seed 002 §2.6: places an order (a {@code t_order} row) and sends the {@code
 * repo_deduction} message in one local transaction, through the producer SDK's {@code
 * HalfmsgTemplate} with automatic check-back from the barrier table.
 */
@SpringBootApplication
public class OrderServiceApplication {

  /** Reads {@code order-service.yml}, never an {@code application.yml} of another application. */
  public static final String CONFIG_NAME = "--spring.config.name=order-service";

  public static void main(String[] args) {
    run(args);
  }

  /** Starts order-service; {@code args} as on the command line ({@code --server.port=8081}). */
  public static ConfigurableApplicationContext run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = CONFIG_NAME;
    System.arraycopy(args, 0, all, 1, args.length);
    return new SpringApplicationBuilder(OrderServiceApplication.class).run(all);
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
