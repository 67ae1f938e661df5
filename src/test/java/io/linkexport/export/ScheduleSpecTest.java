package io.linkexport.export;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When schedules run, in their zone, across DST, and what a bad cadence is told. */
class ScheduleSpecTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  private static ScheduleSpec spec(String json) {
    return ScheduleSpec.parse(new JsonObject(json), NOW);
  }

  @Test
  void aBadCadenceNamesItsField() {
    Map<String, String> bad = Map.of(
      "{\"cadence\":\"hourly\",\"time\":\"08:00\"}", "cadence",
      "{\"cadence\":\"weekly\",\"time\":\"08:00\"}", "weekday",
      "{\"cadence\":\"weekly\",\"weekday\":8,\"time\":\"08:00\"}", "weekday",
      "{\"cadence\":\"daily\",\"weekday\":1,\"time\":\"08:00\"}", "weekday",
      "{\"cadence\":\"monthly\",\"dayOfMonth\":29,\"time\":\"08:00\"}", "dayOfMonth",
      "{\"cadence\":\"daily\",\"time\":\"8:00\"}", "time",
      "{\"cadence\":\"daily\",\"time\":\"24:00\"}", "time",
      "{\"cadence\":\"daily\",\"time\":\"08:00\",\"timezone\":\"Mars/Olympus\"}", "timezone",
      "{\"cadence\":\"daily\",\"time\":\"02:30\",\"timezone\":\"Europe/Berlin\"}", "time",
      "{\"cadence\":\"daily\",\"time\":\"02:15\",\"timezone\":\"Australia/Lord_Howe\"}", "time");
    bad.forEach((json, field) -> assertThatThrownBy(() -> spec(json)).as(json)
      .isInstanceOfSatisfying(ServiceException.class, e -> {
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.field()).isEqualTo(field);
      }));
    // half an hour of Lord Howe's gap is 02:00-02:30: 02:30 exists every day; St John's skips 02:00-03:00
    assertThat(spec("{\"cadence\":\"daily\",\"time\":\"02:30\",\"timezone\":\"Australia/Lord_Howe\"}")).isNotNull();
    assertThatThrownBy(() -> spec("{\"cadence\":\"daily\",\"time\":\"02:59\",\"timezone\":\"America/St_Johns\"}"))
      .isInstanceOf(ServiceException.class).hasMessageContaining("daylight saving");
  }

  @Test
  void aDailyRunKeepsItsLocalTimeAcrossDaylightSavingTime() {
    ScheduleSpec berlin = spec("{\"cadence\":\"daily\",\"time\":\"08:00\",\"timezone\":\"Europe/Berlin\"}");
    Instant saturday = berlin.firstAtOrAfter(Instant.parse("2026-03-28T07:00:00Z"));
    assertThat(saturday).isEqualTo(Instant.parse("2026-03-28T07:00:00Z"));
    assertThat(berlin.nextAfter(saturday)).as("summer time: 08:00 is 06:00 UTC")
      .isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
    assertThat(berlin.period(saturday)).isEqualTo("2026-03-28");
  }

  @Test
  void aTimeThatOccursTwiceRunsOnceAtItsFirstInstant() {
    ScheduleSpec ny = spec("{\"cadence\":\"daily\",\"time\":\"01:30\",\"timezone\":\"America/New_York\"}");
    Instant first = ny.firstAtOrAfter(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(first).isEqualTo(Instant.parse("2026-11-01T05:30:00Z"));
    assertThat(ny.nextAfter(first)).as("not the second 01:30 of that day")
      .isEqualTo(Instant.parse("2026-11-02T06:30:00Z"));
  }

  @Test
  void weeklyAndMonthlyRunsAndTheirPeriods() {
    ScheduleSpec monday = spec("{\"cadence\":\"weekly\",\"weekday\":1,\"time\":\"09:00\",\"timezone\":\"UTC\"}");
    Instant run = monday.firstAtOrAfter(NOW);
    assertThat(run).isEqualTo(Instant.parse("2026-12-07T09:00:00Z"));
    assertThat(monday.period(run)).isEqualTo("2026-W50");
    assertThat(monday.previousPeriod(run)).containsExactly(LocalDate.parse("2026-11-30"), LocalDate.parse("2026-12-07"));

    ScheduleSpec first = spec("{\"cadence\":\"monthly\",\"dayOfMonth\":1,\"time\":\"00:30\","
      + "\"timezone\":\"Asia/Kathmandu\"}");
    Instant jan = first.firstAtOrAfter(NOW);
    assertThat(jan).as("00:30 +05:45").isEqualTo(Instant.parse("2026-12-31T18:45:00Z"));
    assertThat(first.period(jan)).isEqualTo("2027-01");
    assertThat(first.previousPeriod(jan)).as("last month on the 1st")
      .containsExactly(LocalDate.parse("2026-12-01"), LocalDate.parse("2027-01-01"));
    ScheduleSpec daily = spec("{\"cadence\":\"daily\",\"time\":\"06:00\"}");
    assertThat(daily.previousPeriod(daily.firstAtOrAfter(NOW)))
      .containsExactly(LocalDate.parse("2026-12-06"), LocalDate.parse("2026-12-07"));
    ScheduleSpec feb = spec("{\"cadence\":\"monthly\",\"dayOfMonth\":28,\"time\":\"12:00\"}");
    assertThat(feb.nextAfter(Instant.parse("2027-01-28T12:00:00Z"))).isEqualTo(Instant.parse("2027-02-28T12:00:00Z"));
  }
}
