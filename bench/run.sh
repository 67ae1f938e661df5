#!/usr/bin/env bash
# The benchmark (README, "Performance"). Needs Java 17 + Maven only: starts embedded Postgres and s3proxy, seeds with
# the real jar, runs the service as a separate JVM, loads the list API on loopback, exports 3 times, prints a table
# and appends it to docs/benchmarks.md.
#   bench/run.sh                 100,000 links / 10,000,000 clicks (about 15 minutes on 2 cores, mostly seeding)
#   bench/run.sh --quick         2,000 links / 50,000 clicks, 3 s of load (the CI smoke run)
#   options: --links N --clicks M --heap 256m --seconds S
#   --stock-pg                   Postgres with its own memory settings (shared_buffers 128MB, work_mem 4MB)
#   --only plans --memory --plans auto,fast-start,total
#                                the export vs the COPY of its SELECT per read plan, by createdAt and by clicks, at
#                                100,000 and 1,000,000 links (issue 23); --plan-links N,M other sizes (seeded when
#                                absent), --parallelism 1,2,4 the export's readers, --plan-heap 64m the service's heap,
#                                --plan-split split exports of those sizes (ten files) by readers,
#                                --plan-list-load N the list's p99 alone and beside two exports of N readers
#                                (--plan-busy 100,25 once per EXPORT_BUSY_PERCENT, in turn; --plans none skips the
#                                export vs COPY part)
#   --only window                issue 19: the export with a 30-day metrics window (Europe/Berlin) vs its COPY and the
#                                all-time export, the list with that window under load, the day rollups' bytes
#   --only metrics,replica       only the list load with metrics off vs on (issue 22: on within 3%), and from a
#                                streaming standby of the bench database (PG_READ_URL) beside the primary's rows
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -DskipTests package
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench.cp)" io.linkexport.bench.Bench "$@"
