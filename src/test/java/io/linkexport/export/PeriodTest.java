package io.linkexport.export;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PeriodTest {

  private static JsonObject window(String from, String to, String zone) {
    JsonObject j = new JsonObject().put("sortBy", "clicks");
    if (from != null) {
      j.put("metricsFrom", from);
    }
    if (to != null) {
      j.put("metricsTo", to);
    }
    return zone == null ? j : j.put("timezone", zone);
  }

  /** Verifies the file names: a whole month, a run of days, one day, and no window-based name for instants. */
  @Test
  void aDateWindowNamesTheFile() {
    assertThat(Period.fileSuffix(window("2026-11-01", "2026-12-01", "Europe/Berlin"))).isEqualTo("2026-11");
    assertThat(Period.fileSuffix(window("2026-12-01", "2027-01-01", null))).isEqualTo("2026-12");
    assertThat(Period.fileSuffix(window("2026-11-03", "2026-11-10", null))).isEqualTo("2026-11-03-to-2026-11-09");
    assertThat(Period.fileSuffix(window("2026-11-03", "2026-11-04", null))).isEqualTo("2026-11-03");
    assertThat(Period.fileSuffix(window("2026-11-15", "2026-12-15", null))).isEqualTo("2026-11-15-to-2026-12-14");
    assertThat(Period.fileSuffix(window("2026-11-01T00:00:00Z", "2026-12-01", null))).isNull();
    assertThat(Period.fileSuffix(window("2026-11-01", null, null))).isNull();
    assertThat(Period.fileSuffix(window("2026-11-01", "2026-11-01", null))).as("an empty window").isNull();
    assertThat(Period.fileSuffix(new JsonObject())).isNull();
    assertThat(Period.fileSuffix(null)).isNull();
  }

  /** Verifies the email's sentence: the last day of a date window, instants as given, open ends, the zone. */
  @Test
  void theEmailSaysThePeriodAndTheZone() {
    assertThat(Period.sentence(window("2026-11-01", "2026-12-01", "Europe/Berlin")))
      .isEqualTo(" Clicks and installs counted from 2026-11-01 to 2026-11-30 (Europe/Berlin).");
    assertThat(Period.sentence(window("2026-11-01T06:00:00Z", "2026-11-02T06:00:00Z", null)))
      .isEqualTo(" Clicks and installs counted from 2026-11-01T06:00:00Z up to 2026-11-02T06:00:00Z (UTC).");
    assertThat(Period.sentence(window(null, "2026-11-01", "Asia/Kathmandu")))
      .isEqualTo(" Clicks and installs counted to 2026-10-31 (Asia/Kathmandu).");
    assertThat(Period.sentence(window("2026-11-01", null, null)))
      .isEqualTo(" Clicks and installs counted from 2026-11-01 on (UTC).");
    assertThat(Period.sentence(window(null, null, "Europe/Berlin"))).isEmpty();
    assertThat(Period.sentence(window("2026-11-05", "2026-11-05", null)))
      .isEqualTo(" No clicks counted: the period from 2026-11-05 to 2026-11-05 is empty (UTC).");
  }
}
