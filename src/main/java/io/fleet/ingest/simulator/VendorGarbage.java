package io.fleet.ingest.simulator;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Vendor garbage in the rows of {@code methods}: a {@code share} (0..1) of their rows is broken
 * with exactly one {@link Mutation} or served twice ({@link ServedRows.Echo}). Which rows, which
 * kind, which field and which value are all drawn from a generator seeded by {@code seed}, the
 * method and the row's natural key, so the same row is broken the same way in every answer that
 * carries it (overlapping poll windows, refetched pages) and a run can be replayed. The rows left
 * clean are served byte-identical to a simulator without garbage. What was served is recorded in
 * {@link TracksolidSimulator#servedRows()}.
 */
public record VendorGarbage(long seed, double share, Set<String> methods) {
  /** The short names the {@code simulator} command's --garbage-methods accepts. */
  public static final Map<String, String> ALIASES = aliases();

  public VendorGarbage {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("garbage share must be within 0..1, got " + share);
    }
    for (String m : methods) {
      if (!ALIASES.containsValue(m)) {
        throw new IllegalArgumentException("no garbage for method " + m);
      }
    }
    methods = Set.copyOf(methods);
  }

  /** No garbage anywhere: the simulator's default. */
  public static VendorGarbage none() {
    return new VendorGarbage(0, 0, Set.of());
  }

  /**
   * Garbage in {@code methods}, given by full name or alias ({@link #ALIASES}, or "all"); none
   * given means all.
   */
  public static VendorGarbage of(long seed, double share, String... methods) {
    Set<String> names = new LinkedHashSet<>();
    for (String m : methods.length == 0 ? new String[] {"all"} : methods) {
      String name = m.trim().toLowerCase(Locale.ROOT);
      if (name.equals("all")) {
        names.addAll(ALIASES.values());
      } else if (ALIASES.containsKey(name)) {
        names.add(ALIASES.get(name));
      } else if (ALIASES.containsValue(m.trim())) {
        names.add(m.trim());
      } else {
        throw new IllegalArgumentException(
            "unknown garbage method " + m + "; use all or any of " + ALIASES.keySet());
      }
    }
    return new VendorGarbage(seed, share, names);
  }

  /** {@link #of} with the methods as one comma-separated list. */
  public static VendorGarbage parse(long seed, double share, String methods) {
    return of(
        seed,
        share,
        Arrays.stream(methods.split(",")).filter(s -> !s.isBlank()).toArray(String[]::new));
  }

  /** Whether {@code method}'s rows pass through the garbage (and are recorded), even at share 0. */
  public boolean covers(String method) {
    return methods.contains(method);
  }

  private static Map<String, String> aliases() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("alarms", "jimi.device.alarm.list");
    m.put("mileage", "jimi.device.track.mileage");
    m.put("trips", "jimi.open.platform.report.trips");
    m.put("parking", "jimi.open.platform.report.parking");
    m.put("devices", "jimi.user.device.list");
    m.put("locations", "jimi.user.device.location.list");
    m.put("track", "jimi.device.track.list");
    return java.util.Collections.unmodifiableMap(m);
  }
}
