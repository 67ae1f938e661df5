package io.linkexport.export;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class OrphanSweepTest {

  /** Verifies that the job id is read from every key an attempt writes, and that any other key carries none. */
  @Test
  void theJobIdIsReadFromAnExportKeyAndFromNoOtherKey() {
    UUID project = UUID.randomUUID();
    UUID job = UUID.randomUUID();
    assertThat(OrphanSweep.jobId(Job.objectKey(project, job, 1))).isEqualTo(job);
    assertThat(OrphanSweep.jobId(Job.objectKey(project, job, 12))).isEqualTo(job);
    assertThat(OrphanSweep.jobId("exports/" + project + "/not-a-job.1.csv")).isNull();
    assertThat(OrphanSweep.jobId("exports/" + project + "/" + job)).isNull();
    assertThat(OrphanSweep.jobId("elsewhere/" + project + "/" + job + ".1.csv")).isNull();
    assertThat(OrphanSweep.jobId("exports/")).isNull();
    // every file of a split export, and its manifest, carries the job's id (issue 20)
    assertThat(OrphanSweep.jobId(Job.objectKey(project, job, 3, ".jsonl.gz"))).isEqualTo(job);
    assertThat(OrphanSweep.jobId(Job.splitKey(project, job, 2, 7, ".csv"))).isEqualTo(job);
    assertThat(OrphanSweep.jobId(Job.splitKey(project, job, 2, 0, ""))).isEqualTo(job);
    assertThat(OrphanSweep.jobId("exports/" + project + "/x/" + job + ".1.csv")).isNull();
  }
}
