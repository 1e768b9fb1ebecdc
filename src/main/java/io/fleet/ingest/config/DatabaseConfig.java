package io.fleet.ingest.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where the data lives, how the runtime connects, and how TimescaleDB policies are set. */
public record DatabaseConfig(
    Optional<String> url,
    Optional<String> migrationUrl,
    Optional<String> password,
    int poolSize,
    String runtimeRole,
    Path embeddedDir,
    int embeddedPort,
    Optional<Duration> timescaleCompressAfter,
    Optional<Duration> timescaleRetention,
    boolean migrateOnStart) {

  public static final ConfigKey<String> DATABASE_URL =
      ConfigKey.secret(
          "DATABASE_URL",
          "PostgreSQL URI (postgresql://user:pass@host:5432/db); unset starts the embedded PostgreSQL.",
          ValueParser.text());
  public static final ConfigKey<String> DATABASE_MIGRATION_URL =
      ConfigKey.secret(
          "DATABASE_MIGRATION_URL",
          "PostgreSQL URI of the migration owner, when it differs from DATABASE_URL.",
          ValueParser.text());
  public static final ConfigKey<String> DATABASE_PASSWORD =
      ConfigKey.secret(
          "DATABASE_PASSWORD",
          "Password for DATABASE_URL's user, when the URI does not carry one.",
          ValueParser.text());
  public static final ConfigKey<Integer> DATABASE_POOL_SIZE =
      ConfigKey.of(
          "DATABASE_POOL_SIZE",
          "8",
          "Connections in the reactive pool.",
          ValueParser.integer(1, 200));
  public static final ConfigKey<String> DATABASE_RUNTIME_ROLE =
      ConfigKey.of(
          "DATABASE_RUNTIME_ROLE",
          "tracksolid_ingest",
          "Role every runtime connection switches to (SET ROLE); empty keeps the login role.",
          ValueParser.text());
  public static final ConfigKey<String> EMBEDDED_PG_DIR =
      ConfigKey.of(
          "EMBEDDED_PG_DIR",
          "./data/pg",
          "Data directory of the embedded PostgreSQL; survives restarts.",
          ValueParser.nonEmptyText());
  public static final ConfigKey<Integer> EMBEDDED_PG_PORT =
      ConfigKey.of(
          "EMBEDDED_PG_PORT",
          "0",
          "Port of the embedded PostgreSQL on loopback; 0 picks a free port.",
          ValueParser.integer(0, 65535));
  public static final ConfigKey<String> TIMESCALE_COMPRESS_AFTER =
      ConfigKey.of(
          "TIMESCALE_COMPRESS_AFTER",
          "P10D",
          "Compress hypertable chunks older than this (ISO-8601); empty disables. At least POLL_RECONCILE_WINDOW + POLL_OVERLAP_STOPS. TimescaleDB only.",
          ValueParser.text());
  public static final ConfigKey<String> TIMESCALE_RETENTION =
      ConfigKey.of(
          "TIMESCALE_RETENTION",
          "",
          "Drop hypertable chunks older than this (ISO-8601); empty keeps everything. TimescaleDB only.",
          ValueParser.text());

  public static final ConfigKey<Boolean> MIGRATE_ON_START =
      ConfigKey.of(
          "MIGRATE_ON_START",
          "true",
          "Apply migrations at startup; false when a separate 'migrate' step owns the schema (least privilege).",
          ValueParser.bool());

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          DATABASE_URL,
          DATABASE_MIGRATION_URL,
          DATABASE_PASSWORD,
          DATABASE_POOL_SIZE,
          DATABASE_RUNTIME_ROLE,
          EMBEDDED_PG_DIR,
          EMBEDDED_PG_PORT,
          TIMESCALE_COMPRESS_AFTER,
          TIMESCALE_RETENTION,
          MIGRATE_ON_START);

  public static DatabaseConfig from(ConfigSource source) {
    Optional<String> url = nonEmpty(source.get(DATABASE_URL));
    url.ifPresent(u -> checkUri(source, DATABASE_URL, u));
    Optional<String> migrationUrl = nonEmpty(source.get(DATABASE_MIGRATION_URL));
    migrationUrl.ifPresent(u -> checkUri(source, DATABASE_MIGRATION_URL, u));
    if (migrationUrl.isPresent() && url.isEmpty()) {
      source.problem(DATABASE_MIGRATION_URL, "needs DATABASE_URL as well");
    }
    String role = source.get(DATABASE_RUNTIME_ROLE).trim();
    if (!role.isEmpty() && !role.matches("[a-z_][a-z0-9_]{0,62}")) {
      source.problem(
          DATABASE_RUNTIME_ROLE, "must be a plain lower-case role name, got '" + role + "'");
    }
    return new DatabaseConfig(
        url,
        migrationUrl,
        nonEmpty(source.get(DATABASE_PASSWORD)),
        source.get(DATABASE_POOL_SIZE),
        role,
        Path.of(source.get(EMBEDDED_PG_DIR)),
        source.get(EMBEDDED_PG_PORT),
        optionalDuration(source, TIMESCALE_COMPRESS_AFTER),
        optionalDuration(source, TIMESCALE_RETENTION),
        source.get(MIGRATE_ON_START));
  }

  /**
   * The reconcile pass and the stop overlap upsert rows up to POLL_RECONCILE_WINDOW +
   * POLL_OVERLAP_STOPS old; compressing chunks that young would make every such upsert rewrite a
   * compressed batch. Upserts into compressed chunks still work, so this is a guard for the
   * operator's intent rather than for correctness.
   */
  public static void checkCompressionAge(ConfigSource source, DatabaseConfig db, PollConfig poll) {
    db.timescaleCompressAfter()
        .ifPresent(
            after -> {
              Duration upserted = poll.reconcileWindow().plus(poll.stopsOverlap());
              if (after.compareTo(upserted) < 0) {
                source.problem(
                    TIMESCALE_COMPRESS_AFTER,
                    after
                        + " is shorter than "
                        + PollConfig.POLL_RECONCILE_WINDOW.name()
                        + " + "
                        + PollConfig.POLL_OVERLAP_STOPS.name()
                        + " ("
                        + upserted
                        + "), the age up to which the pollers"
                        + " still upsert rows; set it to at least "
                        + upserted
                        + " or empty to disable compression");
              }
            });
  }

  public boolean embedded() {
    return url.isEmpty();
  }

  private static void checkUri(ConfigSource source, ConfigKey<?> key, String uri) {
    if (!(uri.startsWith("postgresql://") || uri.startsWith("postgres://"))) {
      // Never echo the value: it may carry a password.
      source.problem(key, "must be a postgresql:// URI");
    }
  }

  private static Optional<Duration> optionalDuration(ConfigSource source, ConfigKey<String> key) {
    String raw = source.get(key).trim();
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          ValueParser.duration(Duration.ofHours(1), Duration.ofDays(36500)).parse(raw));
    } catch (IllegalArgumentException e) {
      source.problem(key, e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<String> nonEmpty(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  @Override
  public String toString() {
    return "DatabaseConfig[url="
        + url.map(u -> "(set)").orElse("(embedded)")
        + ", poolSize="
        + poolSize
        + ", runtimeRole="
        + runtimeRole
        + ", embeddedDir="
        + embeddedDir
        + "]";
  }
}
