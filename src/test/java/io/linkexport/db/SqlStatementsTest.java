package io.linkexport.db;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SqlStatementsTest {

  @Test
  void dropsCommentLinesOnly() {
    String sql = "-- what it is\nSELECT a, -- kept: not a whole line\n    -- indented comment\n  b\n"
      + " WHERE /*WHERE*/\n ORDER BY /*ORDER*/\n";
    assertThat(SqlStatements.withoutCommentLines(sql))
      .isEqualTo("SELECT a, -- kept: not a whole line\n  b\n WHERE /*WHERE*/\n ORDER BY /*ORDER*/");
  }

  /** The stripping above is line-based: no resource may hold a literal or a quoted body over several lines. */
  @Test
  void noStatementResourceSpreadsAStringOverLines() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("src/main/resources/sql"))) {
      files = s.filter(p -> p.toString().endsWith(".sql")).toList();
    }
    assertThat(files).hasSizeGreaterThan(20);
    for (Path f : files) {
      String sql = Files.readString(f, StandardCharsets.UTF_8);
      assertThat(sql).as(f.toString()).doesNotContain("$$");
      for (String line : SqlStatements.withoutCommentLines(sql).split("\n")) {
        String code = line.contains("--") ? line.substring(0, line.indexOf("--")) : line;
        assertThat(code.chars().filter(c -> c == '\'').count() % 2).as(f + ": " + line).isZero();
      }
    }
  }
}
