package io.fleet.ingest.simulator;

import io.fleet.ingest.json.Lenient;
import io.fleet.ingest.support.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A fixed fleet read end to end through {@link SimMethods}, the way the pollers read it: every page
 * of every method the simulator serves rows for, under a given {@link VendorGarbage}.
 */
final class GarbageScenario {
  static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  static final SimulatorOptions OPTIONS =
      SimulatorOptions.defaults(new MutableClock(NOW))
          .withFleet(3, 20, 10, NOW.minus(Duration.ofDays(10)));
  static final SyntheticFleet FLEET = new SyntheticFleet(OPTIONS);

  /** One served page: the method, what the request pinned (acc_type, imei), its rows in order. */
  record Page(String method, String context, List<JsonObject> rows, JsonObject fields) {}

  final ServedRows served = new ServedRows();
  final FaultPlan plan;
  final SimMethods methods;

  GarbageScenario(VendorGarbage garbage) {
    plan = new FaultPlan(garbage);
    methods = new SimMethods(FLEET, OPTIONS, new GarbageMaker(plan::garbage, served));
  }

  /** Every page of every row method, in a fixed order. */
  List<Page> readAll() {
    List<Page> out = new ArrayList<>();
    String imeis = String.join(",", FLEET.allDevices().stream().map(d -> d.imei()).toList());
    String from = Lenient.format(NOW.minus(Duration.ofDays(9)));
    String to = Lenient.format(NOW);
    Map<String, String> window = Map.of("imeis", imeis, "begin_time", from, "end_time", to);
    pages(
        out, SimMethods.ALARMS, "", page -> with(window, "page_no", "" + page, "page_size", "100"));
    out.add(page(SimMethods.MILEAGE, "", window));
    Map<String, String> report =
        Map.of("account", "demo", "imeis", imeis, "start_time", from, "end_time", to);
    pages(
        out,
        SimMethods.TRIPS,
        "",
        page ->
            with(report, "type", "list", "start_row", "" + (1 + 4 * (page - 1)), "page_size", "4"));
    for (String acc : new String[] {"on", "off"}) {
      pages(
          out,
          SimMethods.PARKING,
          acc,
          page ->
              with(
                  report,
                  "acc_type",
                  acc,
                  "start_row",
                  "" + (1 + 100 * (page - 1)),
                  "page_size",
                  "100"));
    }
    for (String target : new String[] {"demo", "demo-sub"}) {
      out.add(page(SimMethods.DEVICES, "", Map.of("target", target)));
      out.add(page(SimMethods.LOCATIONS, "", Map.of("target", target)));
    }
    for (int i = 0; i < 3; i++) {
      String imei = FLEET.allDevices().get(i).imei();
      out.add(
          page(
              SimMethods.TRACK,
              imei,
              Map.of(
                  "imei",
                  imei,
                  "begin_time",
                  Lenient.format(NOW.minus(Duration.ofDays(3))),
                  "end_time",
                  to)));
    }
    return out;
  }

  /** Pages 1, 2 ... up to and including the first empty one, as a poller reads them. */
  private void pages(
      List<Page> out, String method, String context, IntFunction<Map<String, String>> params) {
    for (int n = 1; ; n++) {
      Page p = page(method, context, params.apply(n));
      out.add(p);
      if (p.rows().isEmpty()) {
        return;
      }
    }
  }

  private static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> out = new HashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) {
      out.put(kv[i], kv[i + 1]);
    }
    return out;
  }

  private Page page(String method, String context, Map<String, String> params) {
    // Through the encoding the server sends and the decoding a client does.
    JsonObject fields =
        new JsonObject(
            GarbageMaker.escapeLoneSurrogates(
                methods.answer(method, new HashMap<>(params), false).encode()));
    return new Page(method, context, rows(method, fields), fields);
  }

  /** The leaf rows of an answer: report.trips' dayData items, data.rows, or result. */
  static List<JsonObject> rows(String method, JsonObject fields) {
    List<JsonObject> out = new ArrayList<>();
    if (method.equals(SimMethods.TRIPS)) {
      for (Object device : fields.getJsonObject("data").getJsonArray("dayList")) {
        for (Object day : ((JsonObject) device).getJsonArray("tripsData")) {
          ((JsonObject) day).getJsonArray("dayData").forEach(r -> out.add((JsonObject) r));
        }
      }
    } else {
      JsonArray list =
          method.equals(SimMethods.PARKING)
              ? fields.getJsonObject("data").getJsonArray("rows")
              : fields.getJsonArray("result");
      list.forEach(r -> out.add((JsonObject) r));
    }
    return out;
  }

  /** The natural key of a row whose key fields are intact, as {@link ServedRows} spells it. */
  static String key(Page page, JsonObject row) {
    return switch (page.method()) {
      case SimMethods.ALARMS ->
          ServedRows.alarmKey(
              row.getString("imei"), row.getString("alertTypeId"), time(row, "alertTime"));
      case SimMethods.MILEAGE, SimMethods.TRIPS ->
          ServedRows.tripKey(row.getString("imei"), time(row, "startTime"));
      case SimMethods.PARKING ->
          ServedRows.stopKey(row.getString("imei"), page.context(), time(row, "startTime"));
      case SimMethods.DEVICES -> row.getString("imei");
      case SimMethods.LOCATIONS ->
          ServedRows.positionKey(row.getString("imei"), time(row, "gpsTime"));
      case SimMethods.TRACK -> ServedRows.positionKey(page.context(), time(row, "gpsTime"));
      default -> throw new IllegalArgumentException(page.method());
    };
  }

  private static Instant time(JsonObject row, String field) {
    return Lenient.parseTime(row.getValue(field)).orElseThrow();
  }
}
