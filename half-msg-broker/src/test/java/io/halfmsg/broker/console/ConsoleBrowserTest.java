package io.halfmsg.broker.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in a real browser (Debian's chromium, driven by Selenium through chromedriver),
 * against a whole broker with MariaDB and an embedded RocketMQ: log in with the admin token, find a
 * PARKED message and resolve it with a reason, see the new state and the history line, bulk-replay
 * a DEAD group after its preview, release a blocked sharding key found on the dashboard, cancel a
 * message held for its delivery time, pause and resume a topic, log out — and the token never
 * appears in a URL or in the logs (at DEBUG for Spring Security and MVC). Saves the dashboard as
 * {@code docs/console.png}.
 */
@ExtendWith(OutputCaptureExtension.class)
@BrokerTest(
    properties = {
      "halfmsg.check-back.first-check-after=100ms",
      "halfmsg.check-back.default-secret=console-browser-secret",
      "halfmsg.check-back.max-checks=1",
      "halfmsg.check-back.poll-interval=50ms",
      "halfmsg.delivery.poll-interval=100ms",
      "halfmsg.delivery.max-backoff=200ms",
      "logging.level.org.springframework.security=DEBUG",
      "logging.level.org.springframework.web=DEBUG"
    })
class ConsoleBrowserTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final Path SCREENSHOT = Path.of("..", "docs", "console.png");

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    db.registerSpringProperties(registry::add);
    registry.add("halfmsg.rocketmq.namesrv-addr", () -> mq.instance().namesrvAddr());
  }

  @LocalServerPort int port;
  BrokerClient producer;
  BrokerClient admin;
  WebDriver browser;
  final List<String> visited = new ArrayList<>();
  String topic;

  @BeforeEach
  void setUp() {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
    topic = "console_" + UUID.randomUUID().toString().substring(0, 8);
    mq.createTopic(topic);
    mq.createTopic("parked_" + topic);
    ChromeDriverService driver =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    // An explicit binary and driver: Selenium Manager never looks for (or downloads) either.
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1300");
    browser = new ChromeDriver(driver, options);
    browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
  }

  @AfterEach
  void tearDown() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void anOperatorResolvesReplaysAndPausesInTheBrowser(CapturedOutput output) throws Exception {
    // An instance that never answers: its message is parked after one check.
    Response registered =
        producer.put(
            "/api/v1/producer-groups/console-shop/endpoints",
            BrokerClient.json(
                Map.of(
                    "checkBackUrl",
                    "http://127.0.0.1:9/halfmsg/check-back",
                    "instanceId",
                    "shop-1")));
    assertThat(registered.status()).as(registered.body()).isEqualTo(200);
    // On a topic of its own: once committed it gets no delivery to the DEAD group's consumer.
    String parked = prepare("console-shop", "parked_" + topic);
    // Undecided for an hour: the dashboard shows how long the oldest PREPARED message has waited.
    Map<String, Object> waiting = new LinkedHashMap<>();
    waiting.put("producerGroup", "console-orders");
    waiting.put("topic", topic);
    waiting.put("body", "{}");
    waiting.put("checkAfterMs", 3_600_000);
    assertThat(producer.prepare(waiting).status()).isEqualTo(201);
    // An ordered message parked at the head of its key: the next one of the key waits behind it.
    String keyHead = prepareKeyed("console-shop", "order-7");
    String keyNext = prepareKeyed("console-orders", "order-7");
    assertThat(producer.commit(keyNext).status()).isEqualTo(200);
    for (String id : List.of(parked, keyHead)) {
      await(id + " parked").atMost(PATIENCE).until(() -> "PARKED".equals(state(id)));
    }
    String group = "console_consumer_" + topic.substring(8);
    subscribe(group);
    List<String> dead = List.of(send(), send());
    dead.forEach(
        id ->
            await(id + " DEAD")
                .atMost(PATIENCE)
                .until(() -> "DEAD".equals(admin.delivery(id, group).path("state").asText())));

    open("/console");
    assertThat(browser.getCurrentUrl()).endsWith("/console/login");
    browser.findElement(By.id("token")).sendKeys(BrokerClient.ADMIN_TOKEN);
    browser.findElement(By.id("operator")).sendKeys("carol");
    click("login");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Dashboard");
    assertThat(browser.findElement(By.cssSelector("nav .who")).getText())
        .isEqualTo("operator: carol");
    Cookie session = browser.manage().getCookieNamed("HALFMSG_CONSOLE");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat(session.getPath()).isEqualTo("/console");

    // The parked message: a decision without a reason is refused, with one it is applied.
    open("/console/parked");
    assertThat(browser.findElement(By.id("parked-" + parked)).getText()).contains("console-shop");
    click("commit-" + parked);
    assertThat(browser.findElement(By.id("refused")).getText()).contains("reason is required");
    assertThat(state(parked)).isEqualTo("PARKED");
    open("/console/parked");
    browser.findElement(By.id("reason-" + parked)).sendKeys("order confirmed by phone");
    click("commit-" + parked);
    assertThat(browser.findElement(By.id("done")).getText()).contains("Resolved " + parked);
    assertThat(browser.findElement(By.id("state")).getText()).isIn("COMMITTED", "FORWARDED");
    assertThat(browser.findElement(By.id("history")).getText())
        .contains("RESOLVED carol COMMIT: order confirmed by phone")
        .contains("COMMITTED by OPERATOR");

    // The DEAD group: preview, then confirm.
    open("/console/dead");
    click("preview-" + group);
    assertThat(browser.findElement(By.id("preview-summary")).getText())
        .contains("This replays 2 of");
    assertThat(browser.findElement(By.id("preview-list")).getText())
        .contains(dead.get(0), dead.get(1));
    browser.findElement(By.id("replay-reason")).sendKeys("consumer redeployed");
    click("confirm");
    assertThat(browser.findElement(By.id("done")).getText())
        .isEqualTo("Replayed 2 DEAD deliveries of " + group);
    for (String id : dead) {
      assertThat(admin.operatorLines(id))
          .anySatisfy(l -> assertThat(l).startsWith("REPLAYED " + group + " carol bulk replay"));
    }

    // The blocked key: the message behind it waits, with nothing to release; from the dashboard to
    // its head's page, where it is released.
    open("/console/messages/" + keyNext);
    assertThat(browser.findElement(By.id("sharding-key")).getText())
        .isEqualTo("order-7 · waits behind 1 message(s) of the key");
    assertThat(browser.findElements(By.id("release"))).isEmpty();
    open("/console");
    WebElement blocked = browser.findElement(By.id("blocked-" + keyHead));
    assertThat(blocked.getText())
        .contains("parked_" + topic, "order-7", keyHead, "PARKED", "1 message(s)");
    blocked.findElement(By.linkText(keyHead)).click();
    assertThat(browser.findElement(By.id("sharding-key")).getText())
        .isEqualTo("order-7 · head of the key, blocking 1 message(s)");
    browser.findElement(By.id("release-reason")).sendKeys("payment provider lost the order");
    click("release");
    assertThat(browser.findElement(By.id("done")).getText())
        .startsWith("Released the sharding key of " + keyHead);
    assertThat(browser.findElement(By.id("sharding-key")).getText())
        .isEqualTo("order-7 · done with: the key has gone on");
    assertThat(browser.findElement(By.id("state")).getText())
        .as("left as it is")
        .isEqualTo("PARKED");
    assertThat(browser.findElement(By.id("history")).getText())
        .contains(
            "KEY_RELEASED carol release sharding key order-7: payment provider lost the order");
    await(keyNext + " goes ahead").atMost(PATIENCE).until(() -> "FORWARDED".equals(state(keyNext)));
    open("/console/messages/" + keyNext);
    assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("FORWARDED");
    open("/console");
    assertThat(browser.findElement(By.id("blocked-keys")).getText())
        .doesNotContain(keyHead)
        .contains("none");

    // A message committed for delivery in ten minutes, cancelled while the broker holds it.
    Map<String, Object> later = message("console-orders", topic);
    later.put("deliverAfterMs", 600_000);
    String held = prepare(later);
    assertThat(producer.commit(held).status()).isEqualTo(200);
    open("/console/messages/" + held);
    assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("COMMITTED");
    browser.findElement(By.id("cancel-reason")).sendKeys("customer withdrew the order");
    click("cancel");
    assertThat(browser.findElement(By.id("done")).getText()).startsWith("Cancelled " + held);
    assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("CANCELLED");
    assertThat(browser.findElement(By.id("history")).getText())
        .contains("CANCELLED carol cancel: customer withdrew the order");
    assertThat(state(held)).isEqualTo("CANCELLED");

    // Pause and resume the topic.
    open("/console");
    browser.findElement(By.id("pause-name")).sendKeys(topic);
    browser.findElement(By.id("pause-reason")).sendKeys("RocketMQ maintenance");
    click("pause");
    assertThat(browser.findElement(By.id("done")).getText()).isEqualTo("Paused TOPIC " + topic);
    assertThat(browser.findElement(By.id("paused-" + topic)).getText())
        .contains("carol")
        .contains("RocketMQ maintenance");
    assertThat(admin.get("/api/v1/pauses").json().get(0).get("name").asText()).isEqualTo(topic);
    Files.createDirectories(SCREENSHOT.getParent());
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    click("resume-" + topic);
    assertThat(browser.findElement(By.id("done")).getText()).isEqualTo("Resumed TOPIC " + topic);
    assertThat(browser.findElements(By.id("paused-" + topic))).isEmpty();
    assertThat(admin.get("/api/v1/pauses").json()).isEmpty();

    click("logout");
    assertThat(browser.getCurrentUrl()).contains("/console/login");
    open("/console");
    assertThat(browser.getCurrentUrl()).endsWith("/console/login");

    assertThat(visited).isNotEmpty().noneMatch(url -> url.contains(BrokerClient.ADMIN_TOKEN));
    assertThat(output.getAll())
        .as("the debug logs ran")
        .contains("o.s.security")
        .doesNotContain(BrokerClient.ADMIN_TOKEN);
  }

  private void open(String path) {
    browser.get("http://127.0.0.1:" + port + path);
    visited.add(browser.getCurrentUrl());
  }

  private void click(String id) {
    browser.findElement(By.id(id)).click();
    visited.add(browser.getCurrentUrl());
  }

  private static Map<String, Object> message(String producerGroup, String topic) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("messageId", UUID.randomUUID().toString());
    m.put("producerGroup", producerGroup);
    m.put("topic", topic);
    m.put("body", "{\"order\":42}");
    return m;
  }

  private String prepare(Map<String, Object> m) {
    assertThat(producer.prepare(m).status()).isEqualTo(201);
    return (String) m.get("messageId");
  }

  private String prepare(String producerGroup, String topic) {
    return prepare(message(producerGroup, topic));
  }

  /** On the parked topic, which nobody subscribes to. */
  private String prepareKeyed(String producerGroup, String shardingKey) {
    Map<String, Object> m = message(producerGroup, "parked_" + topic);
    m.put("shardingKey", shardingKey);
    return prepare(m);
  }

  private String send() {
    String id = prepare("console-orders", topic);
    assertThat(producer.commit(id).status()).isEqualTo(200);
    return id;
  }

  private void subscribe(String group) {
    Response r =
        producer
            .withToken(BrokerClient.CONSUMER_TOKEN)
            .put(
                "/api/v1/subscriptions/" + group,
                BrokerClient.json(
                    Map.of("topics", List.of(topic), "ackTimeoutMs", 100, "maxAttempts", 2)));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  private String state(String id) {
    return admin.get("/api/v1/messages/" + id).text("state");
  }
}
