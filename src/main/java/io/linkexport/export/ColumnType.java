package io.linkexport.export;

/**
 * The kind of value a {@link Column} holds: how the cell is read from the export's row and written in each format
 * ({@link DelimitedEncoder}, {@link JsonLinesEncoder}), and how the documents describe it. A column of an existing type
 * is one row of the column table; a new type is a case in the two encoders.
 */
public enum ColumnType {
  /** Text; guarded against formulas in the text formats; an empty cell or JSON null when absent. */
  TEXT("text", "string"),
  /** A whole number; never guarded. */
  INTEGER("integer", "integer"),
  /** An instant, ISO-8601 UTC with milliseconds ({@code links.IsoTime}). */
  TIMESTAMP("timestamp (ISO-8601, milliseconds; UTC, or the timezone's local time and offset)", "string"),
  /** true or false. */
  BOOLEAN("boolean (true / false)", "boolean"),
  /** A UUID in its canonical text form. */
  UUID("UUID", "string"),
  /** The link's tag names, sorted: {@code ; }-separated in the text formats, an array of strings in JSON Lines. */
  TAG_NAMES("tag names (sorted; `; ` between names; an array in jsonl)", "array");

  private final String describe;
  private final String jsonType;

  ColumnType(String describe, String jsonType) {
    this.describe = describe;
    this.jsonType = jsonType;
  }

  /** How the README's column table names the type. */
  public String describe() {
    return describe;
  }

  /** The JSON type of a value in a JSON Lines file (besides null). */
  public String jsonType() {
    return jsonType;
  }
}
