package io.fleet.ingest.poll;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Records each polled device's last fix, last heartbeat (hbTime) and the vendor's online flag in
 * tracksolid.device_state through tracksolid.record_device_contact, in the poll's transaction. A
 * parked tracker keeps its old fix but sends heartbeats, so this is what tells parked from offline.
 */
final class DeviceContacts {
  private static final String RECORD = """
      SELECT tracksolid.record_device_contact($1::text[], $2::timestamptz[], $3::timestamptz[], $4::boolean[],
                                              'poll', $5)""";
  /** A heartbeat stamped further ahead than this is a clock fault, not a contact. */
  private static final Duration MAX_AHEAD = Duration.ofMinutes(5);

  private DeviceContacts() {
  }

  static Future<Void> record(SqlConnection conn, List<VendorRows.Position> positions, Instant now) {
    if (positions.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = positions.size();
    String[] imei = new String[n];
    OffsetDateTime[] fix = new OffsetDateTime[n];
    OffsetDateTime[] heartbeat = new OffsetDateTime[n];
    Boolean[] online = new Boolean[n];
    for (int i = 0; i < n; i++) {
      VendorRows.Position p = positions.get(i);
      JsonObject raw = p.raw() == null ? new JsonObject() : p.raw();
      imei[i] = p.imei();
      fix[i] = utc(p.gpsTime(), now);
      heartbeat[i] = utc(Lenient.time(raw, "hbTime").orElse(null), now);
      online[i] = Lenient.text(raw, "status").map(s -> s.equals("1") ? Boolean.TRUE : s.equals("0") ? Boolean.FALSE
          : null).orElse(null);
    }
    return conn.preparedQuery(RECORD)
        .execute(Tuple.tuple().addValue(imei).addValue(fix).addValue(heartbeat).addValue(online)
            .addOffsetDateTime(now.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  private static OffsetDateTime utc(Instant t, Instant now) {
    return t == null || t.isAfter(now.plus(MAX_AHEAD)) ? null : t.atOffset(ZoneOffset.UTC);
  }
}
