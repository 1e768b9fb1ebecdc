package io.fleet.ingest.webhook;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a push body, form-encoded or JSON, as {@code {token, data_list}} (IoT Hub) or
 * {@code {msgType, data}} (OpenAPI), where data and data_list may be JSON text or JSON values.
 * Only a body that cannot be read at all is a problem; items are judged later, one by one.
 */
final class PushBodyParser {

  enum Format { FORM, JSON }

  /** Either a request or a problem sentence; the token is read even when the rest is unusable. */
  record Parsed(Optional<String> token, PushRequest request, String problem) {
  }

  private PushBodyParser() {
  }

  /** The body format a Content-Type announces, or empty for one this endpoint does not take. */
  static Optional<Format> format(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (mime.equals("application/x-www-form-urlencoded")) {
      return Optional.of(Format.FORM);
    }
    if (mime.equals("application/json") || mime.equals("text/json") || mime.endsWith("+json")) {
      return Optional.of(Format.JSON);
    }
    return Optional.empty();
  }

  static Parsed parse(String path, Format format, Buffer body, Instant receivedAt) {
    Map<String, Object> fields;
    if (format == Format.FORM) {
      fields = new java.util.HashMap<>();
      QueryStringDecoder decoder = new QueryStringDecoder(body.toString(StandardCharsets.UTF_8),
          StandardCharsets.UTF_8, false, 64);
      for (Map.Entry<String, List<String>> e : decoder.parameters().entrySet()) {
        fields.put(e.getKey(), e.getValue().isEmpty() ? null : e.getValue().get(0));
      }
    } else {
      Object json;
      try {
        json = Json.decodeValue(body);
      } catch (DecodeException e) {
        return new Parsed(Optional.empty(), null, "the body is not valid JSON");
      }
      if (json instanceof JsonArray array) {
        // A bare array is the item list itself.
        return new Parsed(Optional.empty(), new PushRequest(path, path, array, receivedAt), null);
      }
      if (!(json instanceof JsonObject object)) {
        return new Parsed(Optional.empty(), null, "the JSON body must be an object such as {token, data_list}");
      }
      fields = object.getMap();
    }
    Optional<String> token = text(fields.get("token"));
    Optional<String> msgType = text(fields.get("msgType"));
    boolean openApi = path.equals("push");
    if (openApi && msgType.isEmpty()) {
      return new Parsed(token, null, "/push needs msgType (e.g. jimi.push.device.alarm) and data");
    }
    String listField = openApi ? "data" : "data_list";
    Object data = fields.containsKey(listField) ? fields.get(listField)
        : fields.get(openApi ? "data_list" : "data");
    if (data == null || (data instanceof String s && s.isBlank())) {
      return new Parsed(token, null, "the body has no " + listField);
    }
    JsonArray items;
    Object value = data instanceof String s ? decode(s) : Json.decodeValue(Json.encode(data));
    if (value instanceof JsonArray a) {
      items = a;
    } else if (value instanceof JsonObject o) {
      items = new JsonArray().add(o);
    } else {
      return new Parsed(token, null, listField + " must be a JSON array or object (or JSON text of one)");
    }
    return new Parsed(token, new PushRequest(path, msgType.orElse(path), items, receivedAt), null);
  }

  private static Object decode(String text) {
    try {
      return Json.decodeValue(text);
    } catch (DecodeException e) {
      return null;
    }
  }

  private static Optional<String> text(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    String s = value.toString().trim();
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
