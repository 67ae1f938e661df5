package io.linkexport.ops;

import io.linkexport.support.TestApp;
import io.vertx.core.json.JsonArray;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker image's HEALTHCHECK, run exactly as the Dockerfile writes it (its exec form, with bash as the image
 * has it) against a running service: there is no Docker engine here to run the image itself.
 */
class HealthcheckCommandIT {

  /** Verifies that the Dockerfile's health check passes against a live service and fails where nothing answers. */
  @Test
  void theDockerfilesHealthCheckPassesAgainstALiveServiceAndFailsWithoutOne() throws Exception {
    List<String> command = healthcheck();
    assertThat(command.get(0)).as("bash: /dev/tcp is not in dash, the image's sh").isEqualTo("bash");
    assertThat(String.join(" ", command)).contains("/health/live");

    assertThat(run(command, TestApp.get().port)).as("exit status against the service").isZero();
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(run(command, closed)).as("exit status where nothing listens").isNotZero();
  }

  /** The exec form of the Dockerfile's {@code HEALTHCHECK ... CMD [...]}. */
  private static List<String> healthcheck() throws Exception {
    String line = Files.readAllLines(Path.of("Dockerfile")).stream().filter(l -> l.startsWith("HEALTHCHECK"))
      .findFirst().orElseThrow();
    assertThat(line).contains("--start-period=");
    return new JsonArray(line.substring(line.indexOf("CMD [") + 4)).stream().map(String.class::cast).toList();
  }

  private static int run(List<String> command, int port) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("HTTP_PORT", String.valueOf(port));
    Process p = pb.start();
    // the image's --timeout (3 s) bounds it there; here a hung check is a failure, not a wait
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("the health check ends").isTrue();
    return p.exitValue();
  }
}
