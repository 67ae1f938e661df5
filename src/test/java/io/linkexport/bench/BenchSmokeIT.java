package io.linkexport.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's smoke run, in the default build so it cannot rot: the whole of {@code bench/run.sh --quick} at its
 * smallest (seeding two projects, COPY baseline, exports through the API with every CSV downloaded and its rows
 * counted, list loads (with sortBy=saleAmount and cursor pages), the -Xmx64m service, click and sale ingestion with
 * the rollups on and off, csv vs jsonl vs csv+gzip), with the service as a separate JVM from
 * {@code target/link-export.jar}. Only that it runs end to end and reports every section is checked: figures from a
 * loaded CI machine mean nothing (docs/benchmarks.md holds the real runs).
 */
class BenchSmokeIT {

  /**
   * Verifies that every part of the quick run completes and prints its table. Loads of 1 s without warm-up: the smoke
   * run checks the paths, not the figures; with loads of 2 s it took 158-191 s of a suite that must stay under 15
   * minutes, and of 1 s with their warm-up windows (up to four per load) 153-156 s.
   */
  @Test
  void theQuickBenchmarkRunsEndToEnd() throws Exception {
    String table = Bench.run("--quick", "--no-append", "--runs", "1", "--seconds", "1", "--no-warm-up",
      "--ingest", "4000");

    assertThat(table).contains("| 1,000 | 20,000 |", "| 5,000 | 100,000 |"); // seeded
    assertThat(table).containsPattern("\\| 1,000 \\| [0-9,]+ \\| [0-9,]+ ms \\| [0-9,]+ ms"); // COPY vs export
    assertThat(table).containsPattern("\\| 5,000 \\| [0-9,]+ \\| [0-9,]+ ms \\| [0-9,]+ ms");
    assertThat(table).contains("`sortBy=clicks&pageSize=100` | 5,000", "`search=sale&pageSize=100` | 5,000",
      "`sortBy=saleAmount&pageSize=100` | 5,000", "`sortBy=lastClicked&pageSize=100&startingAfter=<the link at depth"
        + " 2,500>` | 5,000");
    assertThat(table).contains("`sortBy=saleAmount` p99 / `sortBy=clicks` p99 | 5,000",
      "`sortBy=clicks` page after depth 2,500 p99 / first page p99 | 5,000");
    assertThat(table).containsPattern("\\| [0-9,]+ \\| [0-9,]+ \\| [0-9,]+ ms \\| [0-9,]+ \\| [0-9.]+ MiB \\(-Xmx64m\\)");
    assertThat(table).contains("| uniform | 1,000 |", "| skewed | 1,000 |", "| sales (skewed) | 1,000 |");
    // issue 20's formats, each file downloaded, gunzipped where gzip, its rows and SHA-256 checked
    assertThat(table).containsPattern("\\| jsonl \\| [0-9,]+ \\| [0-9,]+ ms \\| \\*\\*[0-9.]+\\*\\*")
      .containsPattern("\\| csv\\+gzip \\| [0-9,]+ \\| [0-9,]+ ms")
      .containsPattern("\\| jsonl\\+gzip \\| [0-9,]+ \\| [0-9,]+ ms \\| [0-9.]+ MiB \\(-Xmx64m\\)")
      .containsPattern("\\| split=auto \\| 5,000 \\| [0-9,]+ \\| [0-9,]+ ms");
  }
}
