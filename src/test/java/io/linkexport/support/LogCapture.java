package io.linkexport.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The formatted messages one logger writes while a test runs, safe to read while the service logs from its own
 * threads (logback's ListAppender keeps a plain ArrayList: reading it then can throw ConcurrentModificationException).
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
  }

  /** Starts capturing what {@code type}'s logger writes; close to stop. */
  public static LogCapture of(Class<?> type) {
    return of(type.getName());
  }

  /** Starts capturing what the logger named {@code name} (and its children) writes; close to stop. */
  public static LogCapture of(String name) {
    LogCapture capture = new LogCapture((Logger) LoggerFactory.getLogger(name));
    capture.start();
    capture.logger.addAppender(capture);
    return capture;
  }

  @Override
  protected void append(ILoggingEvent event) {
    messages.add(event.getFormattedMessage());
  }

  /** Whether a message containing {@code text} was written. */
  public boolean contains(String text) {
    return messages.stream().anyMatch(m -> m.contains(text));
  }

  public List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
