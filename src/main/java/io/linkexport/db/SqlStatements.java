package io.linkexport.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named SQL statements kept as resources under {@code sql/<name>.sql}, so that queries are read and reviewed as SQL.
 * The only SQL assembled in Java is the list filter (see {@code links.LinkQuery}).
 */
public final class SqlStatements {

  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private SqlStatements() {
  }

  /**
   * The statement, without its whole-line {@code --} comments: they are for readers of the file, and Postgres would
   * otherwise receive them with every Parse and show them in {@code pg_stat_activity}, whose {@code query} keeps only
   * the first 1,024 bytes (a list page's WHERE clause came after them).
   */
  public static String get(String name) {
    return CACHE.computeIfAbsent(name, n -> withoutCommentLines(resource("sql/" + n + ".sql")));
  }

  /**
   * Drops the lines that hold only a comment. Knows nothing of SQL strings, so a statement resource must not hold a
   * string literal or dollar-quoted body spread over lines (SqlStatementsTest checks every resource).
   */
  static String withoutCommentLines(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    for (String line : sql.split("\n", -1)) {
      if (!line.strip().startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString().strip();
  }

  public static String resource(String path) {
    try (InputStream in = SqlStatements.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
