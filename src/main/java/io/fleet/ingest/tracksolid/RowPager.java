package io.fleet.ingest.tracksolid;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * start_row paging (report.parking, report.trips) for one account. start_row comes from the page
 * index, never from rows gathered so far, so a page served twice cannot shift later requests. A
 * page equal to the previous one is asked once more; a second repeat, or fewer unique rows than
 * {@code dataTotalRows} at the end, fails the call ({@link MalformedResponseException}) rather than
 * return partial data that a poller would commit.
 *
 * <p>The base (0 or 1) is UNCONFIRMED. It starts at 1 and changes only on evidence: the first page
 * at the current base refused with 1001 while the other base is accepted (either direction), or a
 * short result at base 1 whose first page lacks the first row that start_row=0 returns.
 */
final class RowPager {
  private static final Logger log = LoggerFactory.getLogger(RowPager.class);
  private static final String BAD_PARAMETER = "1001";

  /** What one answer's data holds: its rows and the vendor's dataTotalRows (-1 when absent). */
  record Page(List<JsonObject> rows, int total) {}

  /** One query read at one base: unique rows by key, the last total seen, the first page's keys. */
  private static final class Scan {
    final int base;
    final Map<String, JsonObject> unique = new LinkedHashMap<>();
    List<String> firstPageKeys = List.of();
    int pagesRead;
    int total = -1;

    Scan(int base) {
      this.base = base;
    }

    boolean complete() {
      return total < 0 || unique.size() >= total;
    }
  }

  private final TracksolidClient client;
  private final int pageSize;
  private volatile int base = 1;

  RowPager(TracksolidClient client, int pageSize) {
    this.client = client;
    this.pageSize = pageSize;
  }

  int base() {
    return base;
  }

  /**
   * Every row of the query, unique by {@code key}; fails rather than return fewer than the total.
   */
  Future<List<JsonObject>> rows(
      String method,
      Map<String, String> query,
      Function<JsonObject, Page> read,
      Function<JsonObject, String> key) {
    int b = base;
    Scan first = new Scan(b);
    return scan(method, query, read, key, first, 0, List.of(), false)
        .recover(
            err -> {
              if (first.pagesRead == 0 && isBadParameter(err)) {
                return tryOtherBase(method, query, read, key, b, err);
              }
              return Future.failedFuture(err);
            })
        .compose(
            s -> {
              if (!s.complete() && s.base == 1) {
                return probeBaseZero(method, query, read, key, s);
              }
              return Future.succeededFuture(s);
            })
        .compose(
            s ->
                s.complete()
                    ? Future.succeededFuture(List.copyOf(s.unique.values()))
                    : Future.failedFuture(incomplete(method, s)));
  }

  /**
   * The first page at {@code refused} got 1001: adopt the other base only if the vendor accepts it.
   */
  private Future<Scan> tryOtherBase(
      String method,
      Map<String, String> query,
      Function<JsonObject, Page> read,
      Function<JsonObject, String> key,
      int refused,
      Throwable original) {
    int other = 1 - refused;
    Scan s = new Scan(other);
    return scan(method, query, read, key, s, 0, List.of(), false)
        .map(
            ok -> {
              log.info(
                  "tracksolid {} {}: start_row={} refused (1001), start_row={} accepted; using base {}",
                  client.account().name(),
                  method,
                  refused,
                  other,
                  other);
              base = other;
              return ok;
            })
        .recover(
            err -> {
              // Both bases refused: the 1001 is about something else, so the base stays as it was.
              return Future.failedFuture(original);
            });
  }

  /**
   * Short at base 1: if start_row=0 starts with a row base 1's first page lacks, the vendor counts
   * from 0 (base 1 skipped its first row); anything else is not evidence.
   */
  private Future<Scan> probeBaseZero(
      String method,
      Map<String, String> query,
      Function<JsonObject, Page> read,
      Function<JsonObject, String> key,
      Scan atOne) {
    return client
        .call(method, params(query, 0))
        .map(env -> read.apply(data(env)).rows())
        .otherwise(err -> List.of())
        .compose(
            rows -> {
              if (rows.isEmpty() || atOne.firstPageKeys.contains(key.apply(rows.get(0)))) {
                return Future.succeededFuture(atOne);
              }
              log.info(
                  "tracksolid {} {}: {} of {} rows at start_row base 1 and start_row=0 shows a row base 1 "
                      + "skipped; using base 0",
                  client.account().name(),
                  method,
                  atOne.unique.size(),
                  atOne.total);
              base = 0;
              return scan(method, query, read, key, new Scan(0), 0, List.of(), false);
            });
  }

  private Future<Scan> scan(
      String method,
      Map<String, String> query,
      Function<JsonObject, Page> read,
      Function<JsonObject, String> key,
      Scan s,
      int pageIndex,
      List<String> previousKeys,
      boolean refetched) {
    int startRow = s.base + pageIndex * pageSize;
    return client
        .call(method, params(query, startRow))
        .compose(
            env -> {
              Page page = read.apply(data(env));
              List<String> keys = page.rows().stream().map(key).toList();
              if (!keys.isEmpty() && keys.equals(previousKeys)) {
                if (!refetched) {
                  return scan(method, query, read, key, s, pageIndex, previousKeys, true);
                }
                return Future.failedFuture(
                    new MalformedResponseException(
                        method,
                        "start_row=" + startRow + " served the previous page again twice",
                        "",
                        null));
              }
              if (pageIndex == 0) {
                s.firstPageKeys = keys;
              }
              s.pagesRead++;
              s.total = page.total();
              for (int i = 0; i < keys.size(); i++) {
                s.unique.putIfAbsent(keys.get(i), page.rows().get(i));
              }
              // With a total, pages follow from it: a page that repeats a row holds more than
              // page_size rows and is not the last for that. Without one, a full page asks for
              // more.
              boolean more =
                  page.total() >= 0
                      ? !page.rows().isEmpty() && (pageIndex + 1) * pageSize < page.total()
                      : page.rows().size() >= pageSize;
              return more
                  ? scan(method, query, read, key, s, pageIndex + 1, keys, false)
                  : Future.succeededFuture(s);
            });
  }

  private Map<String, String> params(Map<String, String> query, int startRow) {
    Map<String, String> params = new LinkedHashMap<>(query);
    params.put("start_row", Integer.toString(startRow));
    params.put("page_size", Integer.toString(pageSize));
    return params;
  }

  private static JsonObject data(JsonObject env) {
    return env.getValue("data") instanceof JsonObject d ? d : new JsonObject();
  }

  private static boolean isBadParameter(Throwable err) {
    return err instanceof VendorException v && BAD_PARAMETER.equals(v.code());
  }

  private MalformedResponseException incomplete(String method, Scan s) {
    log.warn(
        "tracksolid {} {}: {} unique rows of dataTotalRows {} at start_row base {}; failing the call",
        client.account().name(),
        method,
        s.unique.size(),
        s.total,
        s.base);
    return new MalformedResponseException(
        method, s.unique.size() + " unique rows of dataTotalRows " + s.total, "", null);
  }
}
