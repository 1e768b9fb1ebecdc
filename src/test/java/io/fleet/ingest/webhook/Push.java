package io.fleet.ingest.webhook;

import io.fleet.ingest.support.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds push requests as Jimi sends them. */
final class Push {
  static final String TOKEN = "test-webhook-token-0123456789abcdef";

  private Push() {}

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static Http.Response form(int port, String path, String token, JsonArray items) {
    Map<String, String> f = new LinkedHashMap<>();
    if (token != null) {
      f.put("token", token);
    }
    f.put("data_list", items.encode());
    return Http.post(port, path, "application/x-www-form-urlencoded", form(f));
  }

  static Http.Response json(int port, String path, String token, JsonArray items) {
    JsonObject body = new JsonObject().put("data_list", items);
    if (token != null) {
      body.put("token", token);
    }
    return Http.post(port, path, "application/json", body.encode());
  }

  static Http.Response withHeader(
      int port, String path, String header, String value, String contentType, String body) {
    return Http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Content-Type", contentType)
            .header(header, value)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static JsonObject gps(String imei, String gpsTime) {
    return new JsonObject()
        .put("deviceImei", imei)
        .put("gpsTime", gpsTime)
        .put("gateTime", gpsTime)
        .put("lat", -1.2864)
        .put("lng", "36.8172")
        .put("gpsSpeed", "42")
        .put("direction", 180)
        .put("satelliteNum", "11")
        .put("acc", 1);
  }

  static JsonObject alarm(String imei, String time) {
    return new JsonObject()
        .put("imei", imei)
        .put("deviceName", "TRUCK-07")
        .put("alarmType", "2")
        .put("alarmName", "Power cut off alert")
        .put("lat", "-1.2864")
        .put("lng", "36.8172")
        .put("alarmTime", time);
  }
}
