package io.linkexport.export;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonObject;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.zone.ZoneOffsetTransition;
import java.util.Locale;

/**
 * When a schedule runs and which period each run is for, in the schedule's time zone: {@code daily} at {@code time},
 * {@code weekly} on {@code weekday} (1 Monday .. 7 Sunday), {@code monthly} on {@code dayOfMonth} (1..28: every month
 * has it). A {@code time} that does not exist on some day in the zone (in a DST gap, e.g. 02:30 in Europe/Berlin on
 * the last Sunday of March) is refused, so every day has exactly one occurrence; a time that exists twice (the
 * autumn overlap) runs at its first instant. The previous period of a run is the day, the seven days or the
 * calendar month before the run's day ("last month" on the 1st).
 */
public record ScheduleSpec(String cadence, Integer weekday, Integer dayOfMonth, LocalTime time, ZoneId zone) {

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm")
    .withResolverStyle(java.time.format.ResolverStyle.STRICT);
  /** DST gaps are looked for this far ahead (zone rules repeat yearly; two years cover a rule change announced). */
  private static final Duration GAP_HORIZON = Duration.ofDays(2 * 366);

  /** The cadence fields of a request; 400 naming the field at fault. {@code now} dates the DST-gap check. */
  public static ScheduleSpec parse(JsonObject body, Instant now) {
    Object cadence = body.getValue("cadence");
    if (!(cadence instanceof String c) || !(c.equals("daily") || c.equals("weekly") || c.equals("monthly"))) {
      throw ServiceException.badRequest("cadence", "cadence must be daily, weekly or monthly");
    }
    Integer weekday = optionalInt(body, "weekday", 1, 7, c.equals("weekly"));
    Integer day = optionalInt(body, "dayOfMonth", 1, 28, c.equals("monthly"));
    ZoneId zone = zone(body.getValue("timezone"));
    LocalTime time = time(body.getValue("time"));
    ScheduleSpec spec = new ScheduleSpec(c, weekday, day, time, zone);
    spec.requireNoGap(now);
    return spec;
  }

  private static Integer optionalInt(JsonObject body, String field, int min, int max, boolean required) {
    Object v = body.getValue(field);
    if (!required) {
      if (v != null) {
        throw ServiceException.badRequest(field, field + " applies only to "
          + (field.equals("weekday") ? "weekly" : "monthly") + " schedules");
      }
      return null;
    }
    if (!(v instanceof Integer i) || i < min || i > max) {
      throw ServiceException.badRequest(field, field + " must be a whole number from " + min + " to " + max);
    }
    return i;
  }

  private static ZoneId zone(Object v) {
    if (v == null) {
      return ZoneId.of("UTC");
    }
    try {
      return ZoneId.of(String.valueOf(v));
    } catch (DateTimeException e) {
      throw ServiceException.badRequest("timezone", "timezone must be an IANA time zone such as Europe/Berlin");
    }
  }

  private static LocalTime time(Object v) {
    try {
      if (v instanceof String s && s.length() == 5) {
        return LocalTime.parse(s, HH_MM);
      }
    } catch (DateTimeParseException e) {
      // the 400 below
    }
    throw ServiceException.badRequest("time", "time must be a local time HH:mm, e.g. 08:00");
  }

  /** 400 naming {@code time} when the time falls in a DST gap of the zone within the coming two years. */
  private void requireNoGap(Instant now) {
    Instant at = now;
    ZoneOffsetTransition t;
    while ((t = zone.getRules().nextTransition(at)) != null && t.getInstant().isBefore(now.plus(GAP_HORIZON))) {
      if (t.isGap()) {
        // the gap's days (one that crosses midnight has two): the time must exist on each
        LocalDate before = t.getDateTimeBefore().toLocalDate();
        for (LocalDate day : new LocalDate[] {before, t.getDateTimeAfter().toLocalDate()}) {
          if (zone.getRules().getValidOffsets(day.atTime(time)).isEmpty()) {
            throw ServiceException.badRequest("time", "time " + HH_MM.format(time) + " does not exist in " + zone
              + " on " + day + " (the clocks skip it for daylight saving time); pick another time");
          }
        }
      }
      at = t.getInstant();
    }
  }

  /** The first occurrence at or after {@code t}. */
  public Instant firstAtOrAfter(Instant t) {
    LocalDate day = t.atZone(zone).toLocalDate().minusDays(1);
    for (int i = 0; i < 400; i++, day = day.plusDays(1)) {
      if (matches(day)) {
        Instant at = day.atTime(time).atZone(zone).toInstant();
        if (!at.isBefore(t)) {
          return at;
        }
      }
    }
    throw new IllegalStateException("no occurrence of " + this + " within 400 days");
  }

  /** The last occurrence at or before {@code t}. */
  public Instant latestAtOrBefore(Instant t) {
    Instant at = firstAtOrAfter(t.minus(Duration.ofDays(32)));
    for (Instant next = nextAfter(at); !next.isAfter(t); next = nextAfter(next)) {
      at = next;
    }
    return at;
  }

  /** The occurrence after {@code occurrence}. */
  public Instant nextAfter(Instant occurrence) {
    return firstAtOrAfter(occurrence.plusSeconds(1));
  }

  private boolean matches(LocalDate day) {
    return switch (cadence) {
      case "weekly" -> day.getDayOfWeek().getValue() == weekday;
      case "monthly" -> day.getDayOfMonth() == dayOfMonth;
      default -> true;
    };
  }

  /** The period a run at {@code occurrence} is: its day, ISO week or month, in the zone. */
  public String period(Instant occurrence) {
    LocalDate day = occurrence.atZone(zone).toLocalDate();
    return switch (cadence) {
      case "weekly" -> String.format(Locale.ROOT, "%d-W%02d", day.get(IsoFields.WEEK_BASED_YEAR),
        day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case "monthly" -> day.toString().substring(0, 7);
      default -> day.toString();
    };
  }

  /** The whole local days [from, to) before a run at {@code occurrence}: the day, seven days or month before it. */
  public LocalDate[] previousPeriod(Instant occurrence) {
    LocalDate day = occurrence.atZone(zone).toLocalDate();
    return switch (cadence) {
      case "weekly" -> new LocalDate[] {day.minusDays(7), day};
      case "monthly" -> new LocalDate[] {day.withDayOfMonth(1).minusMonths(1), day.withDayOfMonth(1)};
      default -> new LocalDate[] {day.minus(1, ChronoUnit.DAYS), day};
    };
  }

  /** The fields as the API shows them. */
  public JsonObject toJson() {
    return new JsonObject().put("cadence", cadence).put("weekday", weekday).put("dayOfMonth", dayOfMonth)
      .put("time", HH_MM.format(time)).put("timezone", zone.getId());
  }
}
