package io.fleet.ingest.geocode;

import java.util.Optional;

/** What a lookup gave: an address, a definite "none", or "unavailable now, try later". */
public record GeocodeResult(Status status, Optional<String> address) {

  public enum Status {
    FOUND,
    NONE,
    UNAVAILABLE
  }

  public static final GeocodeResult NONE = new GeocodeResult(Status.NONE, Optional.empty());
  public static final GeocodeResult UNAVAILABLE =
      new GeocodeResult(Status.UNAVAILABLE, Optional.empty());

  public static GeocodeResult found(String address) {
    return new GeocodeResult(Status.FOUND, Optional.of(address));
  }

  /** Found or none: an answer worth recording so the point is never asked again. */
  public boolean definite() {
    return status != Status.UNAVAILABLE;
  }
}
