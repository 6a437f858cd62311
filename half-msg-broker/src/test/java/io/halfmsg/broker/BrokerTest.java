package io.halfmsg.broker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextCustomizerFactories;
import org.springframework.test.context.TestPropertySource;

/**
 * A whole broker on a random port, with the test profile and the test tokens of {@link
 * BrokerClient}; its own context, closed after the class (the scanners of one test class must not
 * work on the next one's rows). Its database is the class's own, which the class declares as
 *
 * <pre>{@code @RegisterExtension static TestDatabase db = new TestDatabase();}</pre>
 *
 * and its RocketMQ, if the class declares a static {@code EmbeddedRocketMqExtension}, that one
 * ({@link BrokerFixtures}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(
    properties = {
      "halfmsg.auth.producer-tokens=" + BrokerClient.PRODUCER_TOKEN,
      "halfmsg.auth.consumer-tokens=" + BrokerClient.CONSUMER_TOKEN,
      "halfmsg.auth.admin-tokens=" + BrokerClient.ADMIN_TOKEN
    })
@ActiveProfiles("test")
@ContextCustomizerFactories(BrokerFixtures.class)
@DirtiesContext
public @interface BrokerTest {

  /** The class's own properties, on top of the test profile's. */
  @AliasFor(annotation = SpringBootTest.class, attribute = "properties")
  String[] properties() default {};
}
