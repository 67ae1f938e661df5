package io.linkexport.export;

import java.time.OffsetDateTime;

/** One CSV line's values, in column order (see {@link CsvEncoder#HEADER}). Nullable values become empty cells. */
public record ExportRow(
  String name,
  String type,
  String slug,
  String domain,
  OffsetDateTime createdAt,
  long clicks,
  long newInstalls,
  long returningUsers,
  long attributedClicks,
  String topDevice,
  String topOs,
  String topBrowser,
  String topCountry,
  OffsetDateTime lastClickedAt) {
}
