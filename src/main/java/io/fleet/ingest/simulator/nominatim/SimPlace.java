package io.fleet.ingest.simulator.nominatim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The simulator's made-up place for a point, shaped like Nominatim's jsonv2 reverse answer. It is
 * made from the rounded coordinates alone, so the same point always answers alike.
 */
final class SimPlace {
  private SimPlace() {}

  // Names must stay what they were for a point; the one odd hash only makes an odd name.
  @SuppressWarnings("MathAbsoluteNegative")
  static JsonObject of(double lat, double lng) {
    String la = BigDecimal.valueOf(lat).setScale(4, RoundingMode.HALF_UP).toPlainString();
    String lo = BigDecimal.valueOf(lng).setScale(4, RoundingMode.HALF_UP).toPlainString();
    int h = Math.abs((la + "," + lo).hashCode());
    String road = "Sim Road " + (100 + h % 900);
    String suburb = "Sim Suburb " + (h / 900 % 50);
    String city = "Sim City " + (Math.abs(Math.round(lat)) % 20);
    String display = road + " (" + la + ", " + lo + "), " + suburb + ", " + city + ", Simland";
    return new JsonObject()
        .put("place_id", 100_000_000L + h % 90_000_000)
        .put("licence", "Data © OpenStreetMap contributors, ODbL 1.0. https://osm.org/copyright")
        .put("osm_type", "way")
        .put("osm_id", 200_000_000L + h % 90_000_000)
        .put("lat", la)
        .put("lon", lo)
        .put("place_rank", 26)
        .put("category", "highway")
        .put("type", "primary")
        .put("importance", 0.1)
        .put("addresstype", "road")
        .put("name", road)
        .put("display_name", display)
        .put(
            "address",
            new JsonObject()
                .put("road", road)
                .put("suburb", suburb)
                .put("city", city)
                .put("country", "Simland")
                .put("country_code", "sl"))
        .put("boundingbox", new JsonArray().add(la).add(la).add(lo).add(lo));
  }
}
