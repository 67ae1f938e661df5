package io.linkexport.db;

import io.linkexport.support.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

class MigratorIT {

  /** Verifies that every listed migration is applied exactly once and recorded. */
  @Test
  void appliesEveryListedMigrationOnce() throws Exception {
    var s = TestServices.get();
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), "postgres", "postgres");
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM schema_migrations")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrator.load().size());
    }
  }
}
