package io.fleet.ingest.simulator;

import io.fleet.ingest.json.Lenient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Breaks one row in place with one {@link Mutation.Kind}, field and value drawn from the row's
 * generator. Half the draws go to the method's key fields, where garbage does the most harm (a row
 * that cannot be keyed, an index entry too big, a key that collides).
 */
final class Mutator {
  static final int OVERSIZED_CHARS = 1 << 16;
  private static final BigInteger BEYOND_64 =
      BigInteger.ONE.shiftLeft(63).multiply(BigInteger.valueOf(1000));
  private static final long[] BEYOND_32 = {1L << 31, 1L << 32, (1L << 32) + 1};
  private static final String[] NOT_NUMBERS = {
    "N/A", "NaN", "12,5", "1e999", "0x1F", "", "\u22127", "--", "Infinity", "1.2.3"
  };
  private static final char[] ALPHABET = alphabet();
  private static final Map<String, Set<String>> KEY_FIELDS =
      Map.of(
          "jimi.device.alarm.list", Set.of("imei", "alertTypeId", "alertTime"),
          "jimi.device.track.mileage", Set.of("imei", "startTime"),
          "jimi.open.platform.report.trips", Set.of("imei", "startTime"),
          "jimi.open.platform.report.parking", Set.of("imei", "startTime"),
          "jimi.user.device.list", Set.of("imei"),
          "jimi.user.device.location.list", Set.of("imei", "gpsTime"),
          "jimi.device.track.list", Set.of("gpsTime"));

  private Mutator() {}

  /**
   * Applies {@code wanted}, or when no field of the row can take it (no number to replace by text,
   * say) the next kind that fits, so every picked row is broken exactly once.
   */
  static Mutation apply(String method, JsonObject row, Mutation.Kind wanted, Random rng) {
    List<Mutation.Kind> kinds = List.of(Mutation.Kind.values());
    int first = kinds.indexOf(wanted);
    for (int i = 0; i < kinds.size(); i++) {
      Mutation.Kind kind = kinds.get((first + i) % kinds.size());
      List<String> fields = eligible(row, kind);
      if (!fields.isEmpty()) {
        Set<String> keys = keyFields(method);
        List<String> keyFields = fields.stream().filter(keys::contains).toList();
        List<String> from = !keyFields.isEmpty() && rng.nextBoolean() ? keyFields : fields;
        String field = from.get(rng.nextInt(from.size()));
        return new Mutation(kind, field, keys.contains(field), mutate(row, kind, field, rng));
      }
    }
    throw new IllegalArgumentException("a row without fields cannot be broken: " + method);
  }

  /** The fields of {@code method}'s rows that make up its natural key. */
  static Set<String> keyFields(String method) {
    return KEY_FIELDS.getOrDefault(method, Set.of());
  }

  private static List<String> eligible(JsonObject row, Mutation.Kind kind) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : row) {
      Object v = e.getValue();
      boolean ok =
          switch (kind) {
            case NUMBER_FOR_STRING -> v instanceof String s && !s.isEmpty();
            case STRING_FOR_NUMBER ->
                v instanceof Number
                    || (v instanceof String s && Lenient.parseDouble(s).isPresent());
            default -> !(v instanceof JsonObject) && !(v instanceof JsonArray);
          };
      if (ok) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** Puts the broken value in {@code field} and says what it was. */
  private static String mutate(JsonObject row, Mutation.Kind kind, String field, Random rng) {
    Object old = row.getValue(field);
    return switch (kind) {
      case OVERSIZED_STRING -> {
        char[] text = new char[OVERSIZED_CHARS + rng.nextInt(4096)];
        for (int i = 0; i < text.length; i++) {
          text[i] = ALPHABET[rng.nextInt(ALPHABET.length)];
        }
        row.put(field, new String(text));
        yield text.length + " random characters";
      }
      case INTEGER_BEYOND_32_BITS -> {
        long v = BEYOND_32[rng.nextInt(BEYOND_32.length)];
        row.put(field, v);
        yield Long.toString(v);
      }
      case INTEGER_BEYOND_64_BITS -> {
        BigInteger v = BEYOND_64.add(BigInteger.valueOf(rng.nextInt(1000)));
        row.put(field, v);
        yield v.toString();
      }
      case NUL_CHARACTER -> insert(row, field, old, '\u0000', rng);
      case LONE_SURROGATE -> {
        char c = (char) ((rng.nextBoolean() ? 0xD800 : 0xDC00) + rng.nextInt(0x400));
        yield insert(row, field, old, c, rng);
      }
      case NUMBER_FOR_STRING -> {
        Number n = asNumber((String) old, rng);
        row.put(field, n);
        yield n.toString();
      }
      case STRING_FOR_NUMBER -> {
        String s = NOT_NUMBERS[rng.nextInt(NOT_NUMBERS.length)];
        row.put(field, s);
        yield '"' + s + '"';
      }
      case MISSING_KEY -> {
        row.remove(field);
        yield "left out";
      }
    };
  }

  private static String insert(JsonObject row, String field, Object old, char c, Random rng) {
    String text = old == null ? "" : old.toString();
    int at = rng.nextInt(text.length() + 1);
    row.put(field, text.substring(0, at) + c + text.substring(at));
    return String.format("U+%04X at %d", (int) c, at);
  }

  /** The number the text stands for (a time as epoch milliseconds), else any number. */
  private static Number asNumber(String text, Random rng) {
    var whole = Lenient.parseLong(text);
    if (whole.isPresent()) {
      return whole.get();
    }
    var decimal = Lenient.parseDouble(text);
    if (decimal.isPresent()) {
      return decimal.get();
    }
    var time = Lenient.parseTime(text);
    if (time.isPresent()) {
      return time.get().toEpochMilli();
    }
    return (long) rng.nextInt(1_000_000);
  }

  /** Printable ASCII, Latin-1, Cyrillic and CJK: all in the BMP, none a surrogate. */
  private static char[] alphabet() {
    StringBuilder b = new StringBuilder();
    for (char c = 0x20; c < 0x7f; c++) {
      b.append(c);
    }
    for (char c = 0xa1; c <= 0xff; c++) {
      b.append(c);
    }
    for (char c = 0x410; c < 0x450; c++) {
      b.append(c);
    }
    for (char c = 0x4e00; c < 0x4e80; c++) {
      b.append(c);
    }
    return b.toString().toCharArray();
  }
}
