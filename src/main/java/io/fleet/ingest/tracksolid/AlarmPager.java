package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.store.AlarmRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * page_no paging of {@code jimi.device.alarm.list} for one account. The vendor serves at most
 * {@code rowCap} rows for one query, so a window that reaches it is halved until each half fits. A
 * page equal to the previous one is asked once more; a second repeat fails the window ({@link
 * MalformedResponseException}) rather than return partial data that a poller would commit.
 */
final class AlarmPager {
  private static final Logger log = LoggerFactory.getLogger(AlarmPager.class);
  static final String METHOD = "jimi.device.alarm.list";

  private final TracksolidClient client;
  private final int pageSize;
  private final int rowCap;

  AlarmPager(TracksolidClient client, int pageSize, int rowCap) {
    this.client = client;
    this.pageSize = pageSize;
    this.rowCap = rowCap;
  }

  /** Every alarm of {@code imeis} (comma-joined) in [from, to]. */
  Future<List<AlarmRecord>> window(String imeis, Instant from, Instant to) {
    return pages(imeis, from, to, 1, new ArrayList<>(), List.of(), false)
        .compose(
            rows -> {
              if (rows.size() >= rowCap && Duration.between(from, to).toSeconds() > 1) {
                // The vendor stops at the cap: halve the window until each half fits.
                Instant mid = from.plusSeconds(Duration.between(from, to).toSeconds() / 2);
                List<AlarmRecord> both = new ArrayList<>();
                return window(imeis, from, mid)
                    .compose(
                        a -> {
                          both.addAll(a);
                          return window(imeis, mid, to);
                        })
                    .map(
                        b -> {
                          both.addAll(b);
                          return both;
                        });
              }
              return Future.succeededFuture(rows);
            });
  }

  private Future<List<AlarmRecord>> pages(
      String imeis,
      Instant from,
      Instant to,
      int page,
      List<AlarmRecord> acc,
      List<String> previousKeys,
      boolean refetched) {
    Map<String, String> params =
        Map.of(
            "imeis",
            imeis,
            "begin_time",
            Lenient.format(from),
            "end_time",
            Lenient.format(to),
            "page_no",
            Integer.toString(page),
            "page_size",
            Integer.toString(pageSize));
    String account = client.account().name();
    return client
        .call(METHOD, params)
        .compose(
            env -> {
              List<AlarmRecord> rows =
                  TracksolidApi.items(env.getValue("result")).stream()
                      .map(j -> AlarmParser.parse(j, account))
                      .toList();
              List<String> keys = rows.stream().map(AlarmParser::key).toList();
              if (!rows.isEmpty() && keys.equals(previousKeys)) {
                if (!refetched) {
                  return pages(imeis, from, to, page, acc, previousKeys, true);
                }
                // Returning what we have would let the slice commit and the checkpoint pass the
                // missing alarms.
                log.warn(
                    "tracksolid {} {}: page {} repeats page {} twice for {}..{}; failing the window",
                    account,
                    METHOD,
                    page,
                    page - 1,
                    from,
                    to);
                return Future.failedFuture(
                    new MalformedResponseException(
                        METHOD,
                        "page_no=" + page + " served the previous page again twice",
                        "",
                        null));
              }
              acc.addAll(rows);
              if (rows.size() < pageSize || acc.size() >= rowCap) {
                return Future.succeededFuture(acc);
              }
              return pages(imeis, from, to, page + 1, acc, keys, false);
            });
  }
}
