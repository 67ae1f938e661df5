package io.linkexport.export;

import java.text.NumberFormat;
import java.util.Locale;

/** A reason to end an export attempt, and whether another attempt could succeed. */
public final class ExportFailure extends RuntimeException {

  private final String code;
  private final boolean permanent;

  public ExportFailure(String code, String userMessage, boolean permanent) {
    super(userMessage, null, false, false);
    this.code = code;
    this.permanent = permanent;
  }

  /** The filters match more links than one export may hold. */
  public static ExportFailure tooManyRows(long count, long max) {
    NumberFormat n = NumberFormat.getIntegerInstance(Locale.US);
    return new ExportFailure("TOO_MANY_ROWS", "This export matches " + n.format(count) + " links, over the "
      + n.format(max) + "-link limit. Narrow the filters, for example split the export by date range.", true);
  }

  public String code() {
    return code;
  }

  public boolean permanent() {
    return permanent;
  }
}
