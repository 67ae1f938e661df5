package io.linkexport.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the current request's id ({@link RequestContext}) into logback's MDC on the logging thread just before each
 * enabled log call, and removes it when the call runs outside a request: the MDC is thread-local and an event loop
 * interleaves requests, so a value set once per request would leak into other requests' lines. Declared in
 * {@code logback.xml}; it never filters anything (always NEUTRAL).
 */
public final class RequestIdMdc extends TurboFilter {

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != null && level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      String id = RequestContext.currentId();
      if (id != null) {
        MDC.put(RequestContext.MDC_KEY, id);
      } else {
        MDC.remove(RequestContext.MDC_KEY);
      }
    }
    return FilterReply.NEUTRAL;
  }
}
