package io.halfmsg.demo.repo;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * repo-service (the inventory) of seed 002 §2.6: applies each {@code repo_deduction} message to its
 * stock exactly once, through consumer-ack's {@code @HalfmsgListener} and its dedupe table.
 */
@SpringBootApplication
public class RepoServiceApplication {

  /** Reads {@code repo-service.yml}, never an {@code application.yml} of another application. */
  public static final String CONFIG_NAME = "--spring.config.name=repo-service";

  public static void main(String[] args) {
    run(args);
  }

  /** Starts repo-service; {@code args} as on the command line ({@code --server.port=8082}). */
  public static ConfigurableApplicationContext run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = CONFIG_NAME;
    System.arraycopy(args, 0, all, 1, args.length);
    return new SpringApplicationBuilder(RepoServiceApplication.class).run(all);
  }
}
