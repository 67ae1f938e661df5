package io.linkexport.export;

/**
 * Text that Excel would read as a number when it opens a CSV file: a slug or id of digits only that starts with a
 * zero ({@code 007} would show as 7) or is longer than 15 digits (Excel keeps 15 significant digits and shows the rest
 * as zeros, in scientific notation). The csv-excel format writes such a cell as the text formula {@code ="007"}, which
 * Excel, Numbers and Google Sheets show as the text {@code 007}. It cannot run anything: the formula is one string
 * literal of digits, written by the service for digits only (a cell that starts with {@code =} itself is guarded,
 * never wrapped). A reader recovers the original with {@link #unwrap}. Other formats write such text as it is.
 */
public final class ExcelText {

  private static final int MAX_DIGITS_KEPT = 15;

  private ExcelText() {
  }

  /** True for digit-only text that Excel would show as another number than the text says. */
  static boolean turnsIntoANumber(String s) {
    if (s == null || s.length() < 2) {
      return false;
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return s.charAt(0) == '0' || s.length() > MAX_DIGITS_KEPT;
  }

  /** {@code "=""007"""}: the formula {@code ="007"}, quoted as a CSV field. */
  static void write(RowBytes out, String digits) {
    out.put('"').put('=').put('"').put('"').ascii(digits).put('"').put('"').put('"');
  }

  /** The inverse, for readers of a csv-excel file (after CSV parsing): {@code ="007"} gives {@code 007}. */
  public static String unwrap(String cell) {
    if (cell.length() >= 5 && cell.startsWith("=\"") && cell.endsWith("\"")) {
      String inner = cell.substring(2, cell.length() - 1);
      if (turnsIntoANumber(inner)) {
        return inner;
      }
    }
    return cell;
  }
}
