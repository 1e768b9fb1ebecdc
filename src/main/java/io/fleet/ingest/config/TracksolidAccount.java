package io.fleet.ingest.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One Tracksolid login: its regional node, app credentials, user and the target accounts whose
 * devices are polled. {@code name} tags metrics and logs (the user id unless set otherwise). {@code
 * tripsMethod} is where its trips come from: {@code mileage} (jimi.device.track.mileage) or {@code
 * report} (jimi.open.platform.report.trips), for accounts whose devices only the report covers.
 */
public record TracksolidAccount(
    String name,
    URI baseUrl,
    String appKey,
    String appSecret,
    String userId,
    String passwordMd5,
    List<String> targets,
    String tripsMethod) {

  public static final String TRIPS_MILEAGE = "mileage";
  public static final String TRIPS_REPORT = "report";

  public TracksolidAccount {
    targets = List.copyOf(targets);
    if (!TRIPS_MILEAGE.equals(tripsMethod) && !TRIPS_REPORT.equals(tripsMethod)) {
      throw new IllegalArgumentException("tripsMethod must be mileage or report");
    }
  }

  /** An account that takes its trips from track.mileage. */
  public TracksolidAccount(
      String name,
      URI baseUrl,
      String appKey,
      String appSecret,
      String userId,
      String passwordMd5,
      List<String> targets) {
    this(name, baseUrl, appKey, appSecret, userId, passwordMd5, targets, TRIPS_MILEAGE);
  }

  /**
   * Lower-case hex MD5 of the UTF-8 bytes, as {@code user_pwd_md5} (and the request signature) want
   * it.
   */
  public static String md5Hex(String text) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is mandatory in every JDK", e);
    }
  }

  @Override
  public String toString() {
    // Never print the secret or the password hash.
    return "TracksolidAccount[name="
        + name
        + ", baseUrl="
        + baseUrl
        + ", appKey="
        + appKey
        + ", userId="
        + userId
        + ", targets="
        + targets
        + ", tripsMethod="
        + tripsMethod
        + "]";
  }
}
