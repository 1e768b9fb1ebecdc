package io.fleet.ingest.webhook;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Which database a spool belongs to: the server's system identifier and the database name, recorded
 * in {@code spool.identity} beside the segments. Requests acknowledged while one database was away
 * are replayed into that database only; a spool that holds requests for another one is refused with
 * what to do.
 */
record SpoolIdentity(String systemIdentifier, String database) {
  static final String FILE = "spool.identity";

  static Future<SpoolIdentity> of(Pool pool) {
    return pool.query(
            "SELECT (SELECT system_identifier::text FROM pg_control_system()) AS id, "
                + "current_database() AS name")
        .execute()
        .map(
            rows -> {
              var row = rows.iterator().next();
              return new SpoolIdentity(row.getString("id"), row.getString("name"));
            });
  }

  /** The identity a spool directory records, if any. Blocking. */
  static java.util.Optional<SpoolIdentity> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return java.util.Optional.empty();
    }
    JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    return java.util.Optional.of(
        new SpoolIdentity(json.getString("systemIdentifier"), json.getString("database")));
  }

  /**
   * Records {@code current} as the spool's database, unless the spool still holds requests for
   * another one: then it throws with a message that says what to do. Blocking; startup only.
   */
  static void claim(Path dir, SpoolIdentity current, long waiting) throws IOException {
    java.util.Optional<SpoolIdentity> recorded = read(dir);
    if (waiting > 0 && recorded.isPresent() && !recorded.get().equals(current)) {
      throw new IllegalStateException(
          "WEBHOOK_SPOOL_DIR "
              + dir.toAbsolutePath()
              + " holds "
              + waiting
              + " acknowledged push request(s) for database '"
              + recorded.get().database()
              + "' (system identifier "
              + recorded.get().systemIdentifier()
              + "), but this service is connected to '"
              + current.database()
              + "' (system identifier "
              + current.systemIdentifier()
              + "). They are not replayed into the wrong "
              + "database. Start the service against the database they belong to (DATABASE_URL) so they replay there, "
              + "or move the directory aside, keep it, and start with an empty WEBHOOK_SPOOL_DIR.");
    }
    if (recorded.isPresent() && recorded.get().equals(current)) {
      return;
    }
    Path tmp = dir.resolve(FILE + ".tmp");
    Files.writeString(
        tmp,
        new JsonObject()
                .put("systemIdentifier", current.systemIdentifier())
                .put("database", current.database())
                .encode()
            + "\n",
        StandardCharsets.UTF_8);
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(
        tmp,
        dir.resolve(FILE),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
