package io.linkexport.export;

import java.util.Locale;

/**
 * The keys and download names of an attempt's objects: one file ({@code <job>.<attempt>.csv}), or for a split export
 * its numbered files and its manifest, each under the attempt's own keys so that no attempt overwrites another's.
 */
final class AttemptNames {

  private AttemptNames() {
  }

  /** The key of file {@code n} (from 1) of the attempt. */
  static String key(Job job, ExportPlanner.Plan plan, int n) {
    String ext = job.options().extension();
    return plan.split() ? Job.splitKey(job.projectId(), job.id(), job.attempt(), n, ext)
      : Job.objectKey(job.projectId(), job.id(), job.attempt(), ext);
  }

  /** The download name of file {@code n}: {@code links-acme.csv}, or {@code links-acme-part-01.csv} when split. */
  static String name(Job job, ExportPlanner.Plan plan, int n) {
    if (!plan.split()) {
      return job.baseName() + job.options().extension();
    }
    int width = Math.max(2, String.valueOf(plan.files().size()).length());
    return job.baseName() + "-part-" + String.format(Locale.ROOT, "%0" + width + "d", n)
      + job.options().extension();
  }

  static String manifestKey(Job job) {
    return Job.splitKey(job.projectId(), job.id(), job.attempt(), 0, "");
  }

  static String manifestName(Job job) {
    return job.baseName() + "-manifest.json";
  }
}
