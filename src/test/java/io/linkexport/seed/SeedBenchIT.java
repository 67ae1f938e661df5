package io.linkexport.seed;

import io.linkexport.support.StatsReference;
import io.linkexport.support.TestServices;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The full-size seed (100,000 links, 10,000,000 clicks) into the embedded Postgres, timed. Not in the default run:
 * {@code mvn verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SeedBenchIT -Dit.excludedGroups=}.
 */
@Tag("bench")
class SeedBenchIT {

  @Test
  void seedsHundredThousandLinksAndTenMillionClicks() throws Exception {
    TestServices.get();
    Vertx vertx = Vertx.vertx();
    SeederIT.vertxForBench(vertx);
    long started = System.nanoTime();
    String last = SeederIT.seed("--links", Integer.getInteger("bench.links", 100_000).toString(),
      "--clicks", Integer.getInteger("bench.clicks", 10_000_000).toString());
    long seconds = (System.nanoTime() - started) / 1_000_000_000;
    System.out.println("seed bench: " + last + " in " + seconds + " s");
    vertx.close();
    if (Boolean.getBoolean("bench.verify")) {
      try (Connection c = SeederIT.connect()) {
        assertThat(StatsReference.differences(c, UUID.fromString(last.substring(8, 44)))).isEmpty();
      }
    }
  }
}
