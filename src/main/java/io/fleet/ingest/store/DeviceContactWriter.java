package io.fleet.ingest.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Records each device's last fix, last heartbeat and the vendor's online flag in
 * tracksolid.device_state through tracksolid.record_device_contact, in the transaction of the run
 * that heard it: the latest-position poll, and the webhook for pushed heartbeats. A parked tracker
 * keeps its old fix but sends heartbeats, so this is what tells parked from offline.
 */
public final class DeviceContactWriter {
  private static final String RECORD =
      """
      SELECT tracksolid.record_device_contact($1::text[], $2::timestamptz[], $3::timestamptz[], $4::boolean[],
                                              $5, $6)""";

  /** A time stamped further ahead than this is a clock fault, not a contact. */
  private static final Duration MAX_AHEAD = Duration.ofMinutes(5);

  /**
   * One device's contact: its fix and heartbeat times and the vendor's online flag (each may be
   * null).
   */
  public record DeviceContact(String imei, Instant fix, Instant heartbeat, Boolean online) {}

  /** The latest-position poll's contacts, as of the poll's clock. */
  public Future<Void> write(SqlClient client, Collection<DeviceContact> contacts, Instant now) {
    return record(
        client,
        contacts.stream()
            .map(
                c ->
                    new DeviceContact(
                        c.imei(),
                        plausible(c.fix(), now),
                        plausible(c.heartbeat(), now),
                        c.online()))
            .toList(),
        "poll",
        now);
  }

  /**
   * Pushed heartbeats as {@link PushMessageWriter} stored them, as of {@code receivedAt}. Their
   * times were judged at receipt by the webhook's timestamp guard, like the rows that keep them, so
   * the contact follows the stored row.
   */
  public Future<Void> writeHeartbeats(
      SqlClient client, Collection<DeviceContact> heartbeats, Instant receivedAt) {
    return record(client, List.copyOf(heartbeats), "push_heartbeat", receivedAt);
  }

  private static Future<Void> record(
      SqlClient client, List<DeviceContact> contacts, String source, Instant now) {
    if (contacts.isEmpty()) {
      return Future.succeededFuture();
    }
    Columns<DeviceContact> columns =
        Columns.<DeviceContact>of()
            .text(DeviceContact::imei)
            .time(DeviceContact::fix)
            .time(DeviceContact::heartbeat)
            .bool(DeviceContact::online);
    return client
        .preparedQuery(RECORD)
        .execute(columns.bind(contacts).addString(source).addOffsetDateTime(Sql.utc(now)))
        .mapEmpty();
  }

  private static Instant plausible(Instant t, Instant now) {
    return t == null || t.isAfter(now.plus(MAX_AHEAD)) ? null : t;
  }
}
