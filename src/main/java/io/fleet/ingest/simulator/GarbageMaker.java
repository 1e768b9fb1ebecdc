package io.fleet.ingest.simulator;

import io.fleet.ingest.simulator.ServedRows.Echo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serves rows through the current {@link VendorGarbage}: builds each row, decides its fate from its
 * own generator and records it in {@link ServedRows}. The cost is one generator per row served (and
 * per row of the previous page, for the repeats); methods the garbage does not cover get their rows
 * built exactly as without it and record nothing.
 */
final class GarbageMaker {
  private static final Mutation.Kind[] KINDS = Mutation.Kind.values();

  private final Supplier<VendorGarbage> garbage;
  private final ServedRows served;

  GarbageMaker(Supplier<VendorGarbage> garbage, ServedRows served) {
    this.garbage = garbage;
    this.served = served;
  }

  boolean covers(String method) {
    return garbage.get().covers(method);
  }

  /** The rows of a method without paging. */
  <T> JsonArray unpaged(
      String method, List<T> rows, Function<T, String> key, Function<T, JsonObject> json) {
    JsonArray out = new JsonArray();
    serve(garbage.get(), method, rows, false, key, json, out);
    return out;
  }

  /**
   * One page: the rows of {@code previous} (the page before, empty on the first) picked to repeat,
   * then {@code page}'s rows. An empty page stays empty: nothing repeats past the end.
   */
  <T> JsonArray paged(
      String method,
      List<T> page,
      List<T> previous,
      Function<T, String> key,
      Function<T, JsonObject> json) {
    JsonArray out = new JsonArray();
    VendorGarbage g = garbage.get();
    if (!page.isEmpty()) {
      repeating(g, method, previous, key).forEach(r -> out.add(json.apply(r)));
    }
    serve(g, method, page, true, key, json, out);
    return out;
  }

  /**
   * The rows of {@code previous} picked to repeat on the page being served, recorded as served
   * again; the caller serves them unchanged.
   */
  <T> List<T> repeating(String method, List<T> previous, Function<T, String> key) {
    return repeating(garbage.get(), method, previous, key);
  }

  private <T> List<T> repeating(
      VendorGarbage g, String method, List<T> previous, Function<T, String> key) {
    if (!g.covers(method)) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (T r : previous) {
      String k = key.apply(r);
      if (pick(g, method, k, true).echo == Echo.REPEAT_ON_NEXT_PAGE) {
        served.recordClean(method, k, Echo.REPEAT_ON_NEXT_PAGE);
        out.add(r);
      }
    }
    return out;
  }

  private <T> void serve(
      VendorGarbage g,
      String method,
      List<T> rows,
      boolean paged,
      Function<T, String> key,
      Function<T, JsonObject> json,
      JsonArray out) {
    boolean covered = g.covers(method);
    for (T r : rows) {
      JsonObject row = json.apply(r);
      out.add(row);
      if (!covered) {
        continue;
      }
      String k = key.apply(r);
      Pick p = pick(g, method, k, paged);
      if (p.kind != null) {
        served.recordMutated(method, k, Mutator.apply(method, row, p.kind, p.rng));
      } else {
        served.recordClean(method, k, p.echo);
        if (p.echo == Echo.DUPLICATE_IN_PAGE) {
          out.add(row.copy());
          served.recordClean(method, k, p.echo);
        }
      }
    }
  }

  /** Clean (both null), one mutation kind, or an echo; {@code rng} goes on to draw the details. */
  private record Pick(Mutation.Kind kind, Echo echo, Random rng) {}

  /**
   * Depends on the seed, method and key only, so a row meets the same fate in every answer; a
   * method without paging has no next page to repeat on.
   */
  private static Pick pick(VendorGarbage g, String method, String key, boolean paged) {
    Random rng = new Random(hash(g.seed(), method, key));
    if (rng.nextDouble() >= g.share()) {
      return new Pick(null, null, rng);
    }
    int n = rng.nextInt(KINDS.length + (paged ? 2 : 1));
    if (n < KINDS.length) {
      return new Pick(KINDS[n], null, rng);
    }
    return new Pick(
        null, n == KINDS.length ? Echo.DUPLICATE_IN_PAGE : Echo.REPEAT_ON_NEXT_PAGE, rng);
  }

  /** FNV-1a over the method and key, mixed with the seed: stable across JVMs and runs. */
  private static long hash(long seed, String method, String key) {
    long h = 0xcbf29ce484222325L ^ (seed * 0x9E3779B97F4A7C15L);
    for (byte b : (method + '\n' + key).getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h ^ (h >>> 31);
  }

  /**
   * {@code json} with every unpaired surrogate written as a \\uXXXX escape: Jackson writes them raw
   * and UTF-8 encoding would turn them into '?', so the client would never meet one. Paired
   * surrogates and every other character are left as they are.
   */
  static String escapeLoneSurrogates(String json) {
    StringBuilder out = new StringBuilder(json.length());
    boolean escaped = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < json.length()
          && Character.isLowSurrogate(json.charAt(i + 1))) {
        out.append(c).append(json.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
        escaped = true;
      } else {
        out.append(c);
      }
    }
    return escaped ? out.toString() : json;
  }
}
