package io.fleet.ingest.geocode;

import io.vertx.core.json.JsonObject;

/** One Nominatim /reverse call's outcome, classified for the lane. */
public sealed interface NominatimAnswer {

  /** Label for tracksolid.geocoder.requests{outcome}. */
  String outcome();

  /** An address: display_name plus the address details. */
  record Found(String displayName, JsonObject details) implements NominatimAnswer {
    @Override
    public String outcome() {
      return "found";
    }
  }

  /** {"error": ...} in any status but 429/403/5xx: nothing there, and worth caching. */
  record NoAddress(String reason) implements NominatimAnswer {
    @Override
    public String outcome() {
      return "none";
    }
  }

  /** 429, or 403 / the HTML "Access blocked" page: the lane must pause for minutes. */
  record Refused(int status, String reason) implements NominatimAnswer {
    @Override
    public String outcome() {
      return status == 429 ? "throttled" : "blocked";
    }
  }

  /** 5xx, timeout, connection failure or an answer we cannot read: back off for seconds. */
  record Failed(String kind, String reason) implements NominatimAnswer {
    @Override
    public String outcome() {
      return kind;
    }
  }
}
