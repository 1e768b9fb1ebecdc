package io.fleet.ingest.tracksolid;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One request's share of a query: its IMEIs, comma-joined, and its window, inclusive at both ends
 * as the vendor's {@code begin_time}/{@code end_time}, so adjacent pieces may overlap by a second.
 */
record Piece(String imeis, Instant from, Instant to) {

  /** The query of a method windowed by begin_time/end_time, with the IMEIs under {@code param}. */
  Map<String, String> beginEnd(String param) {
    return Map.of(param, imeis, "begin_time", Lenient.format(from), "end_time", Lenient.format(to));
  }

  /** Each chunk of at most {@code perCall} IMEIs over each calendar month of [from, to]. */
  static List<Piece> monthly(List<String> imeis, int perCall, Instant from, Instant to) {
    List<Piece> pieces = new ArrayList<>();
    for (int i = 0; i < imeis.size(); i += perCall) {
      String chunk = String.join(",", imeis.subList(i, Math.min(imeis.size(), i + perCall)));
      Instant start = from;
      do {
        Instant end = min(to, start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
        pieces.add(new Piece(chunk, start, end));
        start = end;
      } while (start.isBefore(to));
    }
    return pieces;
  }

  /** [from, to) of one device cut into windows of at most {@code max}; none when empty. */
  static List<Piece> windows(String imei, Instant from, Instant to, Duration max) {
    List<Piece> pieces = new ArrayList<>();
    for (Instant start = from; start.isBefore(to); start = start.plus(max)) {
      pieces.add(new Piece(imei, start, min(to, start.plus(max))));
    }
    return pieces;
  }

  /**
   * Asks {@code fetch} for each piece, one after another, and returns the items unique by {@code
   * key}, the first one seen of each.
   */
  static <T> Future<List<T>> collect(
      List<Piece> pieces, Function<Piece, Future<List<T>>> fetch, Function<T, String> key) {
    Map<String, T> out = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Piece piece : pieces) {
      chain =
          chain.compose(
              v ->
                  fetch
                      .apply(piece)
                      .map(
                          items -> {
                            items.forEach(item -> out.putIfAbsent(key.apply(item), item));
                            return null;
                          }));
    }
    return chain.map(v -> List.copyOf(out.values()));
  }

  /**
   * A record's natural key for {@link #collect}, or its whole raw item when a key part is missing:
   * two different rows that both lack their time are two rows (each goes to the row rules on its
   * own), never one that hides the other.
   */
  static String key(io.vertx.core.json.JsonObject raw, Object... parts) {
    StringBuilder k = new StringBuilder();
    for (Object part : parts) {
      if (part == null) {
        return "raw:" + (raw == null ? "" : raw.encode());
      }
      k.append(k.isEmpty() ? "" : "|").append(part);
    }
    return k.toString();
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
