package io.fleet.ingest.config;

import java.net.URI;
import java.util.List;

/**
 * One Tracksolid login: its regional node, app credentials, user and the target accounts whose
 * devices are polled. {@code name} tags metrics and logs (the user id unless set otherwise).
 */
public record TracksolidAccount(String name, URI baseUrl, String appKey, String appSecret, String userId,
                                String passwordMd5, List<String> targets) {

  public TracksolidAccount {
    targets = List.copyOf(targets);
  }

  @Override
  public String toString() {
    // Never print the secret or the password hash.
    return "TracksolidAccount[name=" + name + ", baseUrl=" + baseUrl + ", appKey=" + appKey + ", userId=" + userId
        + ", targets=" + targets + "]";
  }
}
