package io.fleet.ingest.tracksolid;

import java.util.Set;

/**
 * The vendor answered with a non-zero {@code code}. 1006 (too frequent) and -1 (busy) are
 * retryable; 1004 is handled by re-login; every other code (1001 bad parameter, 1002 not in the
 * account tree, 1007, 1008, ...) is permanent and reaches the caller with the vendor's words.
 */
public final class VendorException extends TracksolidException {
  public static final String TOKEN_INVALID = "1004";
  private static final Set<String> RETRYABLE = Set.of("1006", "-1");

  private final String code;
  private final String vendorMessage;

  public VendorException(String method, String code, String vendorMessage) {
    super(method, "vendor code " + code + " (" + vendorMessage + ")", null);
    this.code = code;
    this.vendorMessage = vendorMessage;
  }

  public String code() {
    return code;
  }

  public String vendorMessage() {
    return vendorMessage;
  }

  public boolean tokenInvalid() {
    return TOKEN_INVALID.equals(code);
  }

  @Override
  public boolean retryable() {
    return RETRYABLE.contains(code);
  }

  @Override
  public String metricCode() {
    return code;
  }
}
