package io.fleet.ingest.geocode;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Coordinates rounded to the cache precision. The request asks for the rounded point too, so the
 * cached answer is exactly the answer for its key.
 */
public record GeoKey(int precision, BigDecimal lat, BigDecimal lng) {

  public static GeoKey of(double lat, double lng, int precision) {
    if (!Double.isFinite(lat)
        || !Double.isFinite(lng)
        || Math.abs(lat) > 90
        || Math.abs(lng) > 180) {
      throw new IllegalArgumentException("not a WGS84 coordinate: " + lat + "," + lng);
    }
    return new GeoKey(precision, round(lat, precision), round(lng, precision));
  }

  private static BigDecimal round(double value, int precision) {
    BigDecimal rounded = BigDecimal.valueOf(value).setScale(precision, RoundingMode.HALF_UP);
    // -0.0000 and 0.0000 are one key.
    return rounded.signum() == 0 ? BigDecimal.ZERO.setScale(precision) : rounded;
  }

  @Override
  public String toString() {
    return lat.toPlainString() + "," + lng.toPlainString();
  }
}
