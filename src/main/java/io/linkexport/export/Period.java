package io.linkexport.export;

import io.linkexport.links.FilterParam;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * How a job names its metrics window ({@code metricsFrom} / {@code metricsTo} / {@code timezone} of its stored
 * filters, as the user gave them): in the file's name and in the email. Plain logic over the canonical JSON, which
 * keeps dates as dates ({@code links.LinkFilter}).
 *
 * <p>File names: a whole calendar month of the zone ({@code metricsFrom=2026-11-01&metricsTo=2026-12-01}) is
 * {@code 2026-11}; other date-only windows are their first and last day, {@code 2026-11-03-to-2026-11-09} (the last
 * day is the day before the exclusive end); a window with an instant or an open end keeps the export's own day
 * (an instant makes a poor file name, and the job and the email say the window exactly).
 */
final class Period {

  private Period() {
  }

  /** The file name's period part, or null when the name keeps the export's day. */
  static String fileSuffix(JsonObject filters) {
    LocalDate from = date(filters, FilterParam.METRICS_FROM);
    LocalDate to = date(filters, FilterParam.METRICS_TO);
    if (from == null || to == null || !to.isAfter(from)) {
      return null;
    }
    if (from.getDayOfMonth() == 1 && to.equals(from.plusMonths(1))) {
      return YearMonth.from(from).toString();
    }
    LocalDate last = to.minusDays(1);
    return last.equals(from) ? from.toString() : from + "-to-" + last;
  }

  /**
   * The email's sentence about the window, with a leading space ({@code " Clicks and installs from 2026-11-01 to
   * 2026-11-30 (Europe/Berlin)."}), or "" for all-time analytics.
   */
  static String sentence(JsonObject filters) {
    String from = text(filters, FilterParam.METRICS_FROM);
    String to = text(filters, FilterParam.METRICS_TO);
    if (from == null && to == null) {
      return "";
    }
    String zone = filters.getString(FilterParam.TIMEZONE.param(), "UTC");
    LocalDate toDate = date(filters, FilterParam.METRICS_TO);
    LocalDate fromDate = date(filters, FilterParam.METRICS_FROM);
    if (fromDate != null && toDate != null && !toDate.isAfter(fromDate)) {
      return " No clicks counted: the period from " + from + " to " + to + " is empty (" + zone + ").";
    }
    // a date-only end is exclusive: the period's last day is the day before it
    String until = toDate != null ? "to " + toDate.minusDays(1) : "up to " + to;
    String range = from == null ? until : to == null ? "from " + from + " on" : "from " + from + " " + until;
    return " Clicks and installs counted " + range + " (" + zone + ").";
  }

  private static String text(JsonObject filters, FilterParam p) {
    Object v = filters == null ? null : filters.getValue(p.param());
    return v == null ? null : v.toString();
  }

  /** The date-only value of {@code p}; null for an instant, or for a value this version does not read as a date. */
  private static LocalDate date(JsonObject filters, FilterParam p) {
    String v = text(filters, p);
    try {
      return v != null && v.length() == 10 ? LocalDate.parse(v) : null;
    } catch (java.time.DateTimeException notADate) {
      return null;
    }
  }
}
