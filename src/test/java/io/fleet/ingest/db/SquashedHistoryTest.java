package io.fleet.ingest.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.support.Sql;
import io.fleet.ingest.support.TestDatabases;
import io.vertx.pgclient.SslMode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The squash loses nothing: the schema built by the squashed history (up to its last version, so
 * migrations added later do not change what is compared) equals the one built by the legacy layout,
 * apart from the deliberate changes listed here. The legacy schema is built on a server of its own,
 * because roles and their settings are cluster-wide.
 */
class SquashedHistoryTest {
  /** The last version of the squashed history. */
  static final String LAST_SQUASHED = "4";

  static final List<String> SQUASHED_FILES =
      List.of(
          "V1__roles_and_schemas.sql",
          "V2__raw_tables.sql",
          "V3__timescale_hypertables.sql",
          "V4__runtime_role_limits.sql",
          "R__ingest_health.sql",
          "R__refresh_materialized_view.sql",
          "R__reporting_views.sql",
          "afterMigrate.sql");

  /** Roles created by migrations after the squash. */
  static final List<String> LATER_ROLES = List.of("tracksolid_backup");

  /** The legacy daily-activity view that the reporting rollups replaced. */
  static final String REPLACED_VIEW = "reporting.mv_daily_device_activity";

  /** Only in the legacy schema: the writer's DELETE on tables the service never deletes from. */
  static final Set<String> LEGACY_ONLY_GRANTS =
      Stream.of(
              "devices",
              "alarms",
              "trips",
              "parking",
              "position_history",
              "quarantine",
              "geocode_cache",
              "push_messages",
              "ingest_streams",
              "ingest_health_settings",
              "ingest_accounts")
          .map(t -> "tracksolid." + t + " tracksolid_ingest DELETE by tracksolid_owner")
          .collect(Collectors.toCollection(TreeSet::new));

  /**
   * Only in the squashed schema: the runtime role's session limits, and no PUBLIC EXECUTE by
   * default.
   */
  static final Map<String, Set<String>> SQUASH_ONLY =
      Map.of(
          "roles",
              Set.of(
                  "tracksolid_ingest SET statement_timeout=5min",
                  "tracksolid_ingest SET idle_in_transaction_session_timeout=1min"),
          "default privileges",
              Set.of("default tracksolid_owner in (all schemas) on f: tracksolid_owner EXECUTE"));

  @Test
  void squashedHistoryBuildsTheLegacySchemaApartFromTheListedChanges(@TempDir Path dir)
      throws Exception {
    DatabaseTarget squashed = TestDatabases.fresh();
    Migrator.configure(squashed, Optional.empty(), Optional.empty())
        .locations("filesystem:" + squashedFiles(dir))
        .target(LAST_SQUASHED)
        .load()
        .migrate();

    SchemaCatalog legacyCatalog;
    try (EmbeddedPostgres own = TestDatabases.startOwnEmbedded()) {
      DatabaseTarget legacy =
          new DatabaseTarget(
              "127.0.0.1", own.getPort(), "postgres", "postgres", "", SslMode.DISABLE);
      LegacyMigrations.build(legacy);
      legacyCatalog = SchemaCatalog.of(legacy);
    }
    SchemaCatalog squashedCatalog = SchemaCatalog.of(squashed);

    assertThat(squashedCatalog.kinds().get("columns")).hasSizeGreaterThan(150);
    assertThat(squashedCatalog.kinds().get("functions")).hasSize(2);
    Map<String, Set<String>> legacyOnly = legacyCatalog.minus(squashedCatalog);
    // Deliberately gone: mv_daily_device_activity (trips only, UTC days, rebuilt from all history),
    // replaced by the local-day rollup tables and dropped by V8 for adopted databases.
    Map<String, Set<String>> replacedView = new TreeMap<>();
    legacyOnly.forEach(
        (kind, lines) ->
            lines.stream()
                .filter(l -> l.contains(REPLACED_VIEW))
                .forEach(l -> replacedView.computeIfAbsent(kind, k -> new TreeSet<>()).add(l)));
    assertThat(replacedView).containsKeys("columns", "views", "indexes", "grants");
    legacyOnly.replaceAll(
        (kind, lines) ->
            lines.stream()
                .filter(l -> !l.contains(REPLACED_VIEW))
                .collect(Collectors.toCollection(TreeSet::new)));
    legacyOnly.values().removeIf(Set::isEmpty);
    assertThat(legacyOnly).isEqualTo(Map.of("grants", LEGACY_ONLY_GRANTS));
    // Roles are cluster-wide: a role that a later migration creates (V5's tracksolid_backup) may
    // already exist on the shared test server, and is not part of the squash.
    Map<String, Set<String>> squashOnly = squashedCatalog.minus(legacyCatalog);
    squashOnly.replaceAll(
        (kind, lines) ->
            lines.stream()
                .filter(l -> LATER_ROLES.stream().noneMatch(r -> l.startsWith(r + " ")))
                .collect(Collectors.toCollection(TreeSet::new)));
    squashOnly.values().removeIf(Set::isEmpty);
    assertThat(squashOnly).isEqualTo(SQUASH_ONLY);
  }

  /**
   * The files of the squash, without migrations added after it: Flyway's target stops later
   * versions, but repeatable files always apply, so only the squash's own are copied.
   */
  private static Path squashedFiles(Path dir) throws Exception {
    for (String file : SQUASHED_FILES) {
      try (InputStream in =
          SquashedHistoryTest.class.getResourceAsStream("/db/migration/" + file)) {
        assertThat(in).as(file).isNotNull();
        Files.copy(in, dir.resolve(file));
      }
    }
    return dir;
  }

  @Test
  void theSquashedHistoryIsOneLinearOrder() {
    DatabaseTarget db = TestDatabases.fresh();
    Migrator.migrate(db, Optional.empty(), Optional.empty());
    // Applied in version order, each version once; repeatables after them.
    var versions =
        Sql.rows(
                db,
                "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL"
                    + " ORDER BY installed_rank")
            .stream()
            .map(r -> (String) r.get("version"))
            .toList();
    assertThat(versions).startsWith("1", "2", "3", LAST_SQUASHED);
    assertThat(versions)
        .isSortedAccordingTo(
            (a, b) ->
                org.flywaydb.core.api.MigrationVersion.fromVersion(a)
                    .compareTo(org.flywaydb.core.api.MigrationVersion.fromVersion(b)));
    assertThat(
            Sql.count(
                db,
                "SELECT count(*) FROM flyway_schema_history WHERE type = 'SQL' AND version IS NULL"))
        .isGreaterThanOrEqualTo(4);
  }
}
