package io.linkexport.export;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The columns of one export, in the order the request asked for them: parsed from the request's {@code columns} (a
 * JSON array of {@link Column} ids), stored on the job as that list of ids, and turned into the export's select list.
 * Without {@code columns} the export has {@link #DEFAULT}: the specification's 14 columns, whose files stay byte for
 * byte what they were before columns could be chosen.
 */
public record ColumnSet(List<Column> columns) {

  /** The specified columns of an export, in the specified order. */
  public static final ColumnSet DEFAULT = new ColumnSet(List.of(Column.NAME, Column.TYPE, Column.KEY,
    Column.SHORT_LINK, Column.CREATED_AT, Column.CLICKS, Column.NEW_INSTALLS, Column.RETURNING_USERS,
    Column.ATTRIBUTED_CLICKS, Column.TOP_DEVICE, Column.TOP_OS, Column.TOP_BROWSER, Column.TOP_COUNTRY,
    Column.LAST_CLICKED));

  /** The request field. */
  public static final String FIELD = "columns";

  public ColumnSet {
    columns = List.copyOf(columns);
  }

  /**
   * Parses the request's {@code columns}: null means {@link #DEFAULT}; otherwise a non-empty JSON array of distinct
   * column ids. Anything else is a 400 naming {@code columns} and, in the message, every unknown or repeated id.
   */
  public static ColumnSet parse(Object value) {
    if (value == null) {
      return DEFAULT;
    }
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw ServiceException.badRequest(FIELD, "columns must be a non-empty JSON array of column ids, in the order"
        + " wanted (for example [\"name\", \"shortLink\", \"clicks\"])");
    }
    List<Column> out = new ArrayList<>();
    Set<String> unknown = new LinkedHashSet<>();
    Set<String> repeated = new LinkedHashSet<>();
    Set<Column> seen = EnumSet.noneOf(Column.class);
    for (Object o : array) {
      Column c = o instanceof String s ? Column.byId(s) : null;
      if (c == null) {
        unknown.add(clip(String.valueOf(o)));
      } else if (!seen.add(c)) {
        repeated.add(c.id());
      } else {
        out.add(c);
      }
    }
    if (!unknown.isEmpty() || !repeated.isEmpty()) {
      throw ServiceException.badRequest(FIELD, problem(unknown, repeated));
    }
    return new ColumnSet(out);
  }

  /**
   * The stored form (a job's {@code columns}, its ids in order), read as a request's: an id this version does not
   * know is the same 400 naming {@code columns}; none stored is {@link #DEFAULT}.
   */
  public static ColumnSet stored(String[] ids) {
    return ids == null || ids.length == 0 ? DEFAULT : parse(new JsonArray(Arrays.asList((Object[]) ids)));
  }

  public List<String> ids() {
    return columns.stream().map(Column::id).toList();
  }

  public JsonArray toJson() {
    return new JsonArray(new ArrayList<>(ids()));
  }

  /** The headers of the text formats, in order. */
  public List<String> headers() {
    return columns.stream().map(Column::header).toList();
  }

  /** Whether any column writes tag names (the export then reads the project's tags in its snapshot). */
  public boolean hasTags() {
    return columns.stream().anyMatch(c -> c.type() == ColumnType.TAG_NAMES);
  }

  /** The select list of {@code sql/links_export.sql}: the columns' constant expressions, in order. */
  public String selectList() {
    return columns.stream().map(Column::sql).collect(Collectors.joining(", "));
  }

  /** Names every unknown and every repeated id, and lists the ids there are. */
  private static String problem(Set<String> unknown, Set<String> repeated) {
    List<String> parts = new ArrayList<>();
    if (!unknown.isEmpty()) {
      parts.add("unknown column" + plural(unknown) + " " + quoted(unknown));
    }
    if (!repeated.isEmpty()) {
      parts.add("column" + plural(repeated) + " " + quoted(repeated) + " asked for more than once");
    }
    return String.join("; ", parts) + " (the columns are " + String.join(", ", Column.ids()) + ")";
  }

  private static String plural(Set<String> s) {
    return s.size() == 1 ? "" : "s";
  }

  private static String quoted(Set<String> s) {
    return s.stream().map(x -> "'" + x + "'").collect(Collectors.joining(", "));
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
