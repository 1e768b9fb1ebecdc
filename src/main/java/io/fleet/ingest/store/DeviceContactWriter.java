package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Records each polled device's last fix, last heartbeat and the vendor's online flag in
 * tracksolid.device_state through tracksolid.record_device_contact, in the poll's transaction. A
 * parked tracker keeps its old fix but sends heartbeats, so this is what tells parked from offline.
 */
public final class DeviceContactWriter {
  private static final String RECORD =
      """
      SELECT tracksolid.record_device_contact($1::text[], $2::timestamptz[], $3::timestamptz[], $4::boolean[],
                                              'poll', $5)""";

  /** A time stamped further ahead than this is a clock fault, not a contact. */
  private static final Duration MAX_AHEAD = Duration.ofMinutes(5);

  /**
   * One device's contact: its fix and heartbeat times and the vendor's online flag (each may be
   * null).
   */
  public record DeviceContact(String imei, Instant fix, Instant heartbeat, Boolean online) {}

  public Future<Void> write(SqlClient client, Collection<DeviceContact> contacts, Instant now) {
    if (contacts.isEmpty()) {
      return Future.succeededFuture();
    }
    Columns<DeviceContact> columns =
        Columns.<DeviceContact>of()
            .text(DeviceContact::imei)
            .time(c -> plausible(c.fix(), now))
            .time(c -> plausible(c.heartbeat(), now))
            .bool(DeviceContact::online);
    return client
        .preparedQuery(RECORD)
        .execute(columns.bind(List.copyOf(contacts)).addOffsetDateTime(Sql.utc(now)))
        .mapEmpty();
  }

  private static Instant plausible(Instant t, Instant now) {
    return t == null || t.isAfter(now.plus(MAX_AHEAD)) ? null : t;
  }
}
