package io.fleet.ingest.webhook;

import io.fleet.ingest.http.HttpFailure;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The first step of reading a form-encoded push body: its tokens and the fields {@link
 * PushBodyParser#request} needs, with the item list left encoded until the tokens are checked.
 */
final class FormEnvelope {
  private static final int MAX_FORM_FIELDS = 256;

  private FormEnvelope() {}

  /**
   * Splits on '&' only (';' is an ordinary character); decodes names and tokens, keeps other values
   * encoded.
   */
  static PushBodyParser.Envelope read(byte[] body) {
    List<String> tokens = new ArrayList<>(2);
    Map<String, String> fields = new HashMap<>();
    HttpFailure problem =
        PushBodyParser.utf8(body)
            ? null
            : new HttpFailure(400, "not_utf8", "The body is not valid UTF-8.");
    String text = new String(body, StandardCharsets.UTF_8);
    int count = 0;
    for (String pair : text.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      if (++count > MAX_FORM_FIELDS && problem == null) {
        problem =
            new HttpFailure(
                400,
                "too_many_fields",
                "The form body has more than " + MAX_FORM_FIELDS + " fields.");
      }
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      String rawValue = eq < 0 ? "" : pair.substring(eq + 1);
      String name;
      String value;
      try {
        name = decode(rawName);
        // Every value must decode, though only the token is decoded now: the item list waits for
        // the token.
        value = name.equals("token") ? decode(rawValue) : rawValue;
        if (!name.equals("token") && !isDataField(name)) {
          decode(rawValue);
        }
      } catch (IllegalArgumentException bad) {
        if (problem == null) {
          problem =
              new HttpFailure(
                  400,
                  "bad_encoding",
                  "The form body has a malformed percent escape; encode '%' as %25.");
        }
        continue;
      }
      if (name.equals("token")) {
        tokens.add(value.trim());
      } else if (isDataField(name) || name.equals("msgType")) {
        String earlier = fields.putIfAbsent(name, rawValue);
        if (earlier != null && !earlier.equals(rawValue) && problem == null) {
          problem =
              new HttpFailure(
                  400, "duplicate_field", "The form body gives " + name + " more than once.");
        }
      }
    }
    return new PushBodyParser.Envelope(PushBodyParser.Format.FORM, tokens, problem, fields, body);
  }

  private static boolean isDataField(String name) {
    return name.equals("data_list") || name.equals("data");
  }

  /** Percent-decoding with '+' as space; a malformed escape throws IllegalArgumentException. */
  static String decode(String component) {
    return QueryStringDecoder.decodeComponent(component, StandardCharsets.UTF_8);
  }
}
