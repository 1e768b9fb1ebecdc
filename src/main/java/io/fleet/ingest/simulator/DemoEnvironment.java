package io.fleet.ingest.simulator;

import io.fleet.ingest.config.GeocodeConfig;
import io.fleet.ingest.config.TracksolidConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Demo mode's configuration: the Tracksolid variables point at the in-process simulator and carry
 * its demo credentials, and NOMINATIM_URL at the same server, unless the operator set them.
 * DATABASE_URL is left alone, so the demo runs on the embedded database unless one is named.
 */
public final class DemoEnvironment {
  private DemoEnvironment() {}

  public static Map<String, String> overlay(Map<String, String> env, SimulatorServer server) {
    SimulatorOptions o = server.tracksolid().options();
    Map<String, String> out = new HashMap<>(env);
    putIfUnset(out, TracksolidConfig.TRACKSOLID_BASE_URL.name(), server.tracksolidUrl());
    putIfUnset(out, TracksolidConfig.TRACKSOLID_APP_KEY.name(), o.appKey());
    if (!set(env, TracksolidConfig.TRACKSOLID_APP_SECRET.name())) {
      out.put(TracksolidConfig.TRACKSOLID_APP_SECRET.name(), o.appSecret());
    }
    putIfUnset(out, TracksolidConfig.TRACKSOLID_USER_ID.name(), o.userId());
    if (!set(env, TracksolidConfig.TRACKSOLID_PASSWORD.name())
        && !set(env, TracksolidConfig.TRACKSOLID_PASSWORD_MD5.name())) {
      out.put(TracksolidConfig.TRACKSOLID_PASSWORD.name(), o.password());
    }
    putIfUnset(out, TracksolidConfig.TRACKSOLID_TARGETS.name(), o.userId() + "," + o.subAccount());
    // The Nominatim stand-in is mounted on the same server (see ServeCommand); its policy checks
    // stay on.
    putIfUnset(out, GeocodeConfig.NOMINATIM_URL.name(), server.baseUrl());
    putIfUnset(
        out,
        GeocodeConfig.NOMINATIM_USER_AGENT.name(),
        "tracksolid-ingest-demo/1.0 (demo@example.invalid)");
    return out;
  }

  private static boolean set(Map<String, String> env, String name) {
    return !env.getOrDefault(name, "").isEmpty() || !env.getOrDefault(name + "_FILE", "").isEmpty();
  }

  private static void putIfUnset(Map<String, String> env, String name, String value) {
    if (env.getOrDefault(name, "").isEmpty()) {
      env.put(name, value);
    }
  }
}
