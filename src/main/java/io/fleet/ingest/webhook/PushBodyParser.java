package io.fleet.ingest.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fleet.ingest.http.HttpFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a push body, form-encoded or JSON, as {@code {token, data_list}} (IoT Hub) or {@code
 * {msgType, data}} (OpenAPI), where data and data_list may be JSON text or JSON values.
 *
 * <p>In two steps, so an unauthenticated sender costs little: {@link #envelope} finds the tokens
 * the body presents without decoding the item list, and only after they are checked does {@link
 * #request} decode the items. Problems are HTTP answers that never quote the input; items are
 * judged later, one by one.
 */
final class PushBodyParser {
  private static final JsonFactory JSON = new JsonFactory();

  /** Stands for a token field that is not text: it can match no configured token. */
  static final String NOT_TEXT = "\u0000not-text";

  enum Format {
    FORM,
    JSON
  }

  /**
   * What the body says before its items are read: every token it presents, the first problem found
   * (or null), and what {@link #request} needs.
   */
  // The body is carried, never compared or hashed, so array identity does not matter.
  @SuppressWarnings("ArrayRecordComponent")
  record Envelope(
      Format format,
      List<String> tokens,
      HttpFailure problem,
      Map<String, String> formFields,
      byte[] body) {}

  /** Either a request or a problem to answer with. */
  record Parsed(PushRequest request, HttpFailure problem) {}

  private PushBodyParser() {}

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

  static Envelope envelope(Format format, byte[] body, int maxDepth) {
    return format == Format.FORM ? FormEnvelope.read(body) : jsonEnvelope(body, maxDepth);
  }

  /**
   * Streams over the top level for the token fields; nested values are skipped without building
   * them. The whole body is decoded only in {@link #request}.
   */
  private static Envelope jsonEnvelope(byte[] body, int maxDepth) {
    List<String> tokens = new ArrayList<>(2);
    HttpFailure problem = null;
    try (JsonParser p = JSON.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken value = p.nextToken();
          if (name.equals("token")) {
            tokens.add(
                value.isScalarValue() && value != JsonToken.VALUE_NULL
                    ? p.getText().trim()
                    : NOT_TEXT);
          }
          p.skipChildren();
        }
      } else if (first != JsonToken.START_ARRAY) {
        problem =
            HttpFailure.badRequest(
                "The JSON body must be an object such as {token, data_list}, or an array.");
      }
    } catch (IOException | RuntimeException e) {
      problem =
          new HttpFailure(400, "bad_json", "The body is not valid JSON (or not valid UTF-8).");
    }
    if (problem == null && JsonDepth.exceeds(body, maxDepth)) {
      problem = tooDeep(maxDepth);
    }
    if (problem == null && !utf8(body)) {
      // The parser lets some invalid sequences through (encoded surrogates); they would be stored
      // altered.
      problem = new HttpFailure(400, "not_utf8", "The body is not valid UTF-8.");
    }
    return new Envelope(Format.JSON, tokens, problem, Map.of(), body);
  }

  /** The request in an envelope without a problem; call only once its tokens are accepted. */
  static Parsed request(
      String path, Envelope envelope, Instant receivedAt, int maxDepth, int maxItems) {
    Object data;
    Object msgTypeValue;
    boolean openApi = path.equals("push");
    String listField = openApi ? "data" : "data_list";
    String otherField = openApi ? "data_list" : "data";
    if (envelope.format() == Format.FORM) {
      Map<String, String> f = envelope.formFields();
      try {
        msgTypeValue = f.containsKey("msgType") ? FormEnvelope.decode(f.get("msgType")) : null;
        String raw = f.containsKey(listField) ? f.get(listField) : f.get(otherField);
        data = raw == null ? null : FormEnvelope.decode(raw);
      } catch (IllegalArgumentException bad) {
        return problem(
            new HttpFailure(
                400,
                "bad_encoding",
                "The form body has a malformed percent escape; encode '%' as %25."));
      }
    } else {
      Object json;
      try {
        json = Json.decodeValue(io.vertx.core.buffer.Buffer.buffer(envelope.body()));
      } catch (DecodeException | IllegalStateException e) {
        return problem(new HttpFailure(400, "bad_json", "The body is not valid JSON."));
      }
      if (json instanceof JsonArray array) {
        // A bare array is the item list itself.
        return items(path, path, array, receivedAt, maxItems);
      }
      if (!(json instanceof JsonObject object)) {
        return problem(
            HttpFailure.badRequest("The JSON body must be an object such as {token, data_list}."));
      }
      msgTypeValue = object.getValue("msgType");
      data =
          object.containsKey(listField) ? object.getValue(listField) : object.getValue(otherField);
    }
    if (msgTypeValue != null && !(msgTypeValue instanceof String)) {
      return problem(HttpFailure.badRequest("msgType must be text."));
    }
    String msgType =
        msgTypeValue == null || ((String) msgTypeValue).isBlank()
            ? null
            : ((String) msgTypeValue).trim();
    if (openApi && msgType == null) {
      return problem(
          HttpFailure.badRequest("/push needs msgType (e.g. jimi.push.device.alarm) and data."));
    }
    if (data == null || (data instanceof String s && s.isBlank())) {
      return problem(HttpFailure.badRequest("The body has no " + listField + "."));
    }
    Object value = data;
    if (data instanceof String s) {
      if (JsonDepth.exceeds(s, maxDepth)) {
        return problem(tooDeep(maxDepth));
      }
      try {
        value = Json.decodeValue(s);
      } catch (DecodeException | IllegalStateException e) {
        value = null;
      }
    }
    if (value instanceof JsonArray a) {
      return items(path, msgType == null ? path : msgType, a, receivedAt, maxItems);
    }
    if (value instanceof JsonObject o) {
      return items(
          path, msgType == null ? path : msgType, new JsonArray().add(o), receivedAt, maxItems);
    }
    return problem(
        HttpFailure.badRequest(
            listField + " must be a JSON array or object (or JSON text of one)."));
  }

  private static Parsed items(
      String path, String msgType, JsonArray items, Instant receivedAt, int maxItems) {
    if (items.size() > maxItems) {
      return problem(
          new HttpFailure(
              413,
              "too_many_items",
              "The push carries more than WEBHOOK_MAX_ITEMS ("
                  + maxItems
                  + ") items; send them in smaller pushes."));
    }
    return new Parsed(new PushRequest(path, msgType, items, receivedAt), null);
  }

  private static Parsed problem(HttpFailure failure) {
    return new Parsed(null, failure);
  }

  private static HttpFailure tooDeep(int maxDepth) {
    return new HttpFailure(
        400,
        "nesting_too_deep",
        "The body nests arrays and objects deeper than "
            + "WEBHOOK_MAX_DEPTH ("
            + maxDepth
            + ") levels.");
  }

  static boolean utf8(byte[] body) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
