package io.halfmsg.testsupport.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records what halfmsg's own loggers ({@code io.halfmsg.*}) log, at DEBUG and above, with each
 * event's MDC, until closed; for tests of what the logs carry. Logback's own list appender, on the
 * {@code io.halfmsg} logger, whose level it restores at close.
 */
public final class LogCapture implements AutoCloseable {

  private static final String HALFMSG = "io.halfmsg";

  private final Logger logger;
  private final Level previousLevel;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture() {
    logger = (Logger) LoggerFactory.getLogger(HALFMSG);
    previousLevel = logger.getLevel();
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** The events recorded so far. */
  public List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  /** The events recorded so far whose message, with its arguments, contains {@code text}. */
  public List<ILoggingEvent> mentioning(String text) {
    return events().stream().filter(e -> e.getFormattedMessage().contains(text)).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previousLevel);
    appender.stop();
  }
}
