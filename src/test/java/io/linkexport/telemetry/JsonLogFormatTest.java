package io.linkexport.telemetry;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The service's logback.xml with {@code LOG_FORMAT=json}: one JSON object per line, key-value pairs as fields. */
class JsonLogFormatTest {

  /** Verifies that LOG_FORMAT=json writes each line as one JSON object with level, message and key-value pairs. */
  @Test
  void logFormatJsonWritesOneJsonObjectPerLineWithTheKeyValuePairs() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter()); // what the SLF4J provider gives the real context
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      context.putProperty("LOG_FORMAT", "json");
      JoranConfigurator joran = new JoranConfigurator();
      joran.setContext(context);
      joran.doConfigure(getClass().getResource("/logback.xml"));
      context.getLogger("io.linkexport.access").atInfo().addKeyValue("route", "/api/v1/projects/:projectId/links")
        .addKeyValue("status", 200).log("GET {} 200", "/api/v1/projects/:projectId/links");
    } finally {
      context.stop();
      System.setOut(out);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{")).toList();
    assertThat(lines).hasSize(1);
    JsonObject line = new JsonObject(lines.get(0));
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("loggerName")).isEqualTo("io.linkexport.access");
    assertThat(line.getString("formattedMessage")).isEqualTo("GET /api/v1/projects/:projectId/links 200");
    assertThat(line.encode()).contains("route").contains("/api/v1/projects/:projectId/links");
  }
}
