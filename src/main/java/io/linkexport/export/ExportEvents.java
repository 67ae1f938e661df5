package io.linkexport.export;

import io.linkexport.bus.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** What the export machinery publishes: job events, and nudges for idle workers and the mail verticle. */
final class ExportEvents {

  private final EventBus bus;

  ExportEvents(EventBus bus) {
    this.bus = bus;
  }

  /** A state change or a progress beat of a job ({@link Addresses#EXPORT_EVENTS}). */
  void changed(JsonObject event) {
    bus.publish(Addresses.EXPORT_EVENTS, event);
  }

  /** A progress beat of a running attempt: its count (once known), rows written, progress and ETA. */
  void progress(ExportAttempt attempt) {
    changed(JobJson.event(attempt.job(), attempt.total(), attempt.rows(), attempt.progress()));
  }

  /** A job's email or webhook event was queued: the mail verticle (which sends both) need not wait for its poll. */
  void mailQueued() {
    bus.publish(Addresses.MAIL_WAKEUP, new JsonObject());
  }

  /** A job can be claimed now. */
  void wakeWorkers() {
    bus.publish(Addresses.EXPORT_WAKEUP, new JsonObject());
  }
}
