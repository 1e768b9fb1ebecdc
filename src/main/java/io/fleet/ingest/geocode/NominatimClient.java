package io.fleet.ingest.geocode;

import io.fleet.ingest.config.GeocodeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Nominatim {@code GET /reverse?format=jsonv2}. It only asks and classifies the answer; pacing,
 * pausing and caching belong to {@link GeocoderLane} and {@link ReverseGeocoder}. It never fails
 * its future: every outcome is a {@link NominatimAnswer}.
 */
public final class NominatimClient {
  private final WebClient client;
  private final GeocodeConfig config;
  private final String path;

  public NominatimClient(Vertx vertx, GeocodeConfig config) {
    this.config = config;
    URI url = config.url();
    boolean tls = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
    String base = url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "");
    this.path = base + "/reverse";
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost(url.getHost())
                .setDefaultPort(port)
                .setSsl(tls)
                .setUserAgentEnabled(true)
                .setUserAgent(config.effectiveUserAgent())
                .setConnectTimeout(
                    (int) Math.min(Integer.MAX_VALUE, config.requestTimeout().toMillis()))
                .setKeepAlive(true));
  }

  public Future<NominatimAnswer> reverse(GeoKey key) {
    HttpRequest<Buffer> request =
        client
            .get(path)
            .addQueryParam("lat", key.lat().toPlainString())
            .addQueryParam("lon", key.lng().toPlainString())
            .addQueryParam("format", "jsonv2")
            .addQueryParam("addressdetails", "1")
            .addQueryParam("zoom", String.valueOf(config.zoom()))
            .putHeader("Accept", "application/json")
            .timeout(config.requestTimeout().toMillis());
    if (!config.acceptLanguage().isEmpty()) {
      request.addQueryParam("accept-language", config.acceptLanguage());
    }
    return request.send().map(NominatimClient::classify).otherwise(NominatimClient::failure);
  }

  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  static NominatimAnswer classify(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String body = response.bodyAsString() == null ? "" : response.bodyAsString();
    String contentType =
        String.valueOf(response.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
    boolean html = contentType.contains("html") || body.stripLeading().startsWith("<");
    if (status == 429) {
      return new NominatimAnswer.Refused(429, "HTTP 429 Too Many Requests");
    }
    if (status == 403 || (html && body.toLowerCase(Locale.ROOT).contains("access blocked"))) {
      return new NominatimAnswer.Refused(
          403, "HTTP " + status + (html ? " HTML page (Access blocked)" : ""));
    }
    if (status >= 500) {
      return new NominatimAnswer.Failed("server_error", "HTTP " + status);
    }
    if (html) {
      return new NominatimAnswer.Failed("malformed", "HTTP " + status + " HTML instead of JSON");
    }
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return new NominatimAnswer.Failed(
          "malformed", "HTTP " + status + " body is not a JSON object");
    }
    // The public server answers "nothing here" as {"error":"Unable to geocode"} with HTTP 200; some
    // versions use 404 or 400. Whatever the status, an error key means no address.
    if (json.containsKey("error")) {
      Object error = json.getValue("error");
      String reason =
          error instanceof JsonObject o
              ? o.getString("message", o.encode())
              : String.valueOf(error);
      return new NominatimAnswer.NoAddress(reason);
    }
    if (status >= 200 && status < 300) {
      String displayName =
          json.getValue("display_name") == null
              ? null
              : String.valueOf(json.getValue("display_name"));
      if (displayName == null || displayName.isBlank()) {
        return new NominatimAnswer.NoAddress("no display_name");
      }
      JsonObject address = json.getValue("address") instanceof JsonObject a ? a : new JsonObject();
      return new NominatimAnswer.Found(displayName, address);
    }
    return new NominatimAnswer.Failed("malformed", "HTTP " + status + " without an error key");
  }

  private static NominatimAnswer failure(Throwable e) {
    if (e instanceof TimeoutException
        || e.getClass().getSimpleName().contains("Timeout")
        || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("timeout")) {
      return new NominatimAnswer.Failed("timeout", String.valueOf(e.getMessage()));
    }
    return new NominatimAnswer.Failed(
        "error", e.getClass().getSimpleName() + ": " + e.getMessage());
  }
}
