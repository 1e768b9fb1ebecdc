package io.fleet.ingest.webhook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of push requests as a careless sender or an attacker would make them:
 * real-shaped form and JSON bodies, then mutated (raw bytes, deep nesting, bad escapes, huge and
 * tiny numbers, oversized keys and values, invalid UTF-8, wrong types, missing and duplicated
 * fields, wrong tokens). The same seed gives the same requests.
 */
final class FuzzBodies {
  /**
   * How the case presents its token: the real one, none, a wrong one, or the real one beside
   * another.
   */
  enum TokenMode {
    REAL,
    NONE,
    WRONG,
    CONFLICT
  }

  /** One request to send; {@code kind} names what was done to it, for the report. */
  // The body is sent, never compared or hashed, so array identity does not matter.
  @SuppressWarnings("ArrayRecordComponent")
  record Case(
      String kind,
      String path,
      String contentType,
      String query,
      String header,
      byte[] body,
      TokenMode tokenMode) {}

  private static final String[] PATHS = {
    "pushgps",
    "pushalarm",
    "pushlbs",
    "pushevent",
    "pushhb",
    "push",
    "pushobd",
    "pushtripreport",
    "pushoil",
    "pushtem"
  };
  private static final String[] KINDS = {
    "valid",
    "raw_bytes",
    "deep_nesting",
    "bad_escape",
    "extreme_numbers",
    "oversized_values",
    "invalid_utf8",
    "wrong_types",
    "missing_fields",
    "duplicated_fields",
    "wrong_token",
    "absurd_times",
    "control_chars",
    "too_many_items",
    "truncated",
    "empty"
  };

  private final Random random;
  private final String token;
  private int serial;

  FuzzBodies(long seed, String token) {
    this.random = new Random(seed);
    this.token = token;
  }

  Case next() {
    String kind = KINDS[random.nextInt(KINDS.length)];
    String path = PATHS[random.nextInt(PATHS.length)];
    boolean form = random.nextBoolean();
    TokenMode mode =
        kind.equals("wrong_token") ? TokenMode.values()[1 + random.nextInt(3)] : TokenMode.REAL;
    JsonArray items = items(path, 1 + random.nextInt(4));
    JsonObject fields = new JsonObject();
    String msgType =
        path.equals("push")
            ? pick(
                "jimi.push.device.alarm",
                "jimi.push.device.gps",
                "jimi.push.device.lbs",
                "jimi.push.device.other")
            : null;
    if (msgType != null) {
      fields.put("msgType", msgType);
    }
    String listField = path.equals("push") ? "data" : "data_list";
    Object list = items;
    String query = null;
    String header = null;
    switch (mode) {
      case REAL -> {
        int where = random.nextInt(4);
        if (where == 0) {
          query = "token=" + enc(token);
        } else if (where == 1) {
          header = token;
        } else {
          fields.put("token", token);
        }
      }
      case NONE -> {
        // no token anywhere
      }
      case WRONG -> {
        String wrong =
            random.nextBoolean() ? token.substring(0, token.length() - 1) + "x" : randomAscii(24);
        if (random.nextBoolean()) {
          fields.put("token", wrong);
        } else {
          header = wrong;
        }
      }
      case CONFLICT -> {
        fields.put("token", randomAscii(30));
        header = token;
      }
      default -> throw new IllegalStateException();
    }
    switch (kind) {
      case "extreme_numbers" -> items.forEach(i -> extremeNumbers((JsonObject) i));
      case "oversized_values" -> items.forEach(i -> oversized((JsonObject) i));
      case "wrong_types" -> list = wrongTypes(items);
      case "missing_fields" -> items.forEach(i -> dropFields((JsonObject) i));
      case "absurd_times" -> items.forEach(i -> absurdTime((JsonObject) i));
      case "control_chars" ->
          items.forEach(i -> ((JsonObject) i).put("deviceName", "a\u0000b\u0007\ud800c"));
      case "too_many_items" -> {
        JsonArray many = new JsonArray();
        for (int i = 0; i < 1001 + random.nextInt(50); i++) {
          many.add(new JsonObject().put("i", i));
        }
        list = many;
      }
      case "deep_nesting" -> list = deep(5 + random.nextInt(random.nextBoolean() ? 40 : 3000));
      default -> {
        // mutated below, on the encoded body
      }
    }
    if (kind.equals("oversized_values") && msgType != null && random.nextBoolean()) {
      fields.put("msgType", "jimi.push." + "x".repeat(120 + random.nextInt(3000)));
    }
    byte[] body;
    String contentType;
    if (form) {
      contentType = "application/x-www-form-urlencoded";
      StringBuilder b = new StringBuilder();
      for (String name : fields.fieldNames()) {
        b.append(enc(name))
            .append('=')
            .append(enc(String.valueOf(fields.getValue(name))))
            .append('&');
      }
      String encodedList = list instanceof String s ? s : io.vertx.core.json.Json.encode(list);
      b.append(listField).append('=').append(enc(encodedList));
      if (kind.equals("duplicated_fields")) {
        b.append('&').append(listField).append('=').append(enc(items(path, 1).encode()));
        if (random.nextBoolean()) {
          b.append("&token=").append(enc(token));
        }
      }
      body = b.toString().getBytes(StandardCharsets.UTF_8);
    } else {
      contentType = pick("application/json", "application/json; charset=utf-8", "text/json");
      JsonObject json = fields.copy();
      json.put(listField, list);
      // A bare array is the item list itself; it has no room for a body token.
      boolean bare =
          random.nextInt(10) == 0 && !(list instanceof String) && !fields.containsKey("token");
      String text = bare ? io.vertx.core.json.Json.encode(list) : json.encode();
      if (kind.equals("duplicated_fields")) {
        text = "{\"" + listField + "\":" + items(path, 1).encode() + "," + text.substring(1);
      }
      body = text.getBytes(StandardCharsets.UTF_8);
    }
    switch (kind) {
      case "raw_bytes" -> {
        body = new byte[random.nextInt(2000)];
        random.nextBytes(body);
        if (mode == TokenMode.REAL && query == null && header == null) {
          header = token;
        }
      }
      case "bad_escape" -> body = insert(body, pick("%", "%G1", "%e", "%%", "%u00e9", "100%"));
      case "invalid_utf8" ->
          body =
              insert(
                  body,
                  new byte[][] {
                        {(byte) 0xC3},
                        {(byte) 0xFF, (byte) 0xFE},
                        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        {(byte) 0xF8, (byte) 0x88, (byte) 0x80}
                      }
                      [random.nextInt(4)]);
      case "truncated" ->
          body = java.util.Arrays.copyOf(body, random.nextInt(Math.max(1, body.length)));
      case "empty" -> body = new byte[0];
      default -> {
        // as built
      }
    }
    if (random.nextInt(40) == 0) {
      contentType =
          pick("text/plain", "application/octet-stream", "multipart/form-data; boundary=x");
    }
    return new Case(kind, path, contentType, query, header, body, mode);
  }

  /** Real-shaped items for the path: fixes, alarms or untyped messages. */
  JsonArray items(String path, int n) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < n; i++) {
      String imei = String.valueOf(860_000_000_000_000L + random.nextInt(1_000_000));
      String time =
          String.format(
              "2024-05-01 %02d:%02d:%02d",
              random.nextInt(24), random.nextInt(60), random.nextInt(60));
      switch (path) {
        case "pushalarm" ->
            items.add(Push.alarm(imei, time).put("alarmType", String.valueOf(random.nextInt(200))));
        case "pushgps", "pushlbs" -> items.add(Push.gps(imei, time));
        case "push" ->
            items.add(random.nextBoolean() ? Push.alarm(imei, time) : Push.gps(imei, time));
        default ->
            items.add(
                new JsonObject()
                    .put("deviceImei", imei)
                    .put("gateTime", time)
                    .put("serial", ++serial)
                    .put("value", random.nextGaussian()));
      }
    }
    return items;
  }

  private void extremeNumbers(JsonObject item) {
    Object[] values = {
      1e308,
      -1e308,
      Double.MIN_VALUE,
      0,
      -0.0,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      new java.math.BigInteger("123456789012345678901234567890123456789"),
      "1e400",
      "-1e400",
      "NaN",
      "Infinity",
      Integer.MAX_VALUE,
      "0x10",
      ""
    };
    for (String key :
        new String[] {
          "lat",
          "lng",
          "gpsSpeed",
          "speed",
          "direction",
          "satelliteNum",
          "acc",
          "gpsTime",
          "alarmTime"
        }) {
      if (random.nextBoolean()) {
        item.put(key, values[random.nextInt(values.length)]);
      }
    }
  }

  private void oversized(JsonObject item) {
    int len = 33 + random.nextInt(random.nextBoolean() ? 100 : 6000);
    switch (random.nextInt(4)) {
      case 0 -> item.put(item.containsKey("imei") ? "imei" : "deviceImei", "8".repeat(len));
      case 1 -> item.put("alarmType", "T".repeat(len + 32));
      case 2 -> item.put("k".repeat(len * 3), "v");
      default -> item.put("deviceName", "n".repeat(len * 10));
    }
  }

  private Object wrongTypes(JsonArray items) {
    return switch (random.nextInt(6)) {
      case 0 -> 42;
      case 1 -> "not json at all";
      case 2 -> new JsonArray().add(1).add("two").addNull().add(true).add(new JsonArray().add(3));
      case 3 -> {
        items.forEach(
            i ->
                ((JsonObject) i)
                    .put("deviceImei", new JsonObject().put("x", 1))
                    .put("imei", new JsonArray().add(1)));
        yield items;
      }
      case 4 -> {
        items.forEach(
            i ->
                ((JsonObject) i)
                    .put("lat", new JsonObject())
                    .put("gpsTime", true)
                    .put("alarmTime", new JsonArray()));
        yield items;
      }
      default -> items.encode(); // data_list as JSON text inside JSON
    };
  }

  private void dropFields(JsonObject item) {
    for (String key : new ArrayList<>(item.fieldNames())) {
      if (random.nextInt(3) == 0) {
        item.remove(key);
      }
    }
  }

  private void absurdTime(JsonObject item) {
    Object t =
        pick(
            "0000-00-00 00:00:00",
            "9999-99-99 99:99:99",
            "+999999999-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00Z",
            "1970-01-01 00:00:00",
            "2999-01-01 00:00:00",
            "2024-05-01T10:00:00.123456789Z",
            "2024-02-30 10:00:00",
            "yesterday");
    Object[] numbers = {
      Long.MAX_VALUE, Long.MIN_VALUE, -1, 99999999999999999L, 1e300, -1e300, 253402300800000L
    };
    Object value = random.nextBoolean() ? t : numbers[random.nextInt(numbers.length)];
    for (String key : new String[] {"gpsTime", "alarmTime", "gateTime", "positioningTime"}) {
      if (item.containsKey(key) || random.nextInt(4) == 0) {
        item.put(key, value);
      }
    }
  }

  /** A list nested {@code depth} levels deep, arrays or objects. */
  private Object deep(int depth) {
    boolean objects = random.nextBoolean();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      b.append(objects ? "{\"a\":" : "[");
    }
    b.append("1");
    for (int i = 0; i < depth; i++) {
      b.append(objects ? "}" : "]");
    }
    return "[" + b + "]";
  }

  private byte[] insert(byte[] body, String text) {
    return insert(body, text.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] insert(byte[] body, byte[] bytes) {
    int at = body.length == 0 ? 0 : random.nextInt(body.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(body, 0, at);
    out.writeBytes(bytes);
    out.write(body, at, body.length - at);
    return out.toByteArray();
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[random.nextInt(options.length)];
  }

  private String randomAscii(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    return b.toString();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static List<String> kinds() {
    return List.of(KINDS);
  }
}
