package io.fleet.ingest.simulator;

import io.fleet.ingest.json.Lenient;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The request checks {@link SimMethods} shares: required parameters, the vendor's time format,
 * ranges, IMEI lists, accounts in the user's tree and start_row paging, each failing with the
 * vendor's code (1001 bad parameter, 1002 not in the account tree).
 */
final class SimParams {
  private SimParams() {}

  /** {offset into the rows, page size} of a start_row page; {@code repeat} serves page 1 again. */
  static int[] rowPage(Map<String, String> p, boolean repeat, int base) {
    int size = intParam(p, "page_size", 100, 1, 100);
    int start = intParam(p, "start_row", base, Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (start < base) {
      throw new SimError("1001", "start_row must be at least " + base);
    }
    return new int[] {repeat ? 0 : start - base, size};
  }

  static String account(Map<String, String> p, SimulatorOptions options) {
    String account = p.get("account");
    if (!account.equals(options.userId()) && !account.equals(options.subAccount())) {
      throw new SimError("1002", "account not in your account tree: " + account);
    }
    return account;
  }

  static String target(Map<String, String> p, SimulatorOptions options) {
    requireAll(p, "target");
    String target = p.get("target");
    if (!target.equals(options.userId()) && !target.equals(options.subAccount())) {
      throw new SimError("1002", "target not in your account tree: " + target);
    }
    return target;
  }

  static List<String> imeis(Map<String, String> p, boolean required) {
    String raw = p.getOrDefault("imeis", p.get("imei"));
    if (raw == null || raw.isBlank()) {
      if (required) {
        throw new SimError("1001", "imeis is required");
      }
      return List.of();
    }
    List<String> list =
        Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (list.size() > 100) {
      throw new SimError("1001", "at most 100 imeis per call, got " + list.size());
    }
    return list;
  }

  static Instant[] window(Map<String, String> p, String fromName, String toName) {
    requireAll(p, fromName, toName);
    Instant from = vendorTime(p.get(fromName), fromName);
    Instant to = vendorTime(p.get(toName), toName);
    if (to.isBefore(from)) {
      throw new SimError("1001", toName + " is before " + fromName);
    }
    return new Instant[] {from, to};
  }

  /**
   * The alarm list's documented cap; the reference leaves trips/mileage/parking open, so the
   * simulator applies it to those too and clients must cut to one month either way.
   */
  static Instant[] oneMonth(Instant[] w) {
    if (w[1].isAfter(w[0].atZone(ZoneOffset.UTC).plusMonths(1).toInstant())) {
      throw new SimError("1001", "time range exceeds one month");
    }
    return w;
  }

  static Instant vendorTime(String text, String name) {
    if (text.length() != 19) {
      throw new SimError("1001", name + " must be yyyy-MM-dd HH:mm:ss");
    }
    return Lenient.parseTime(text)
        .orElseThrow(() -> new SimError("1001", name + " must be yyyy-MM-dd HH:mm:ss"));
  }

  static int intParam(Map<String, String> p, String name, int dflt, int min, int max) {
    String raw = p.get(name);
    if (raw == null) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(raw);
      if (v < min || v > max) {
        throw new SimError("1001", name + " out of range: " + raw);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new SimError("1001", name + " is not a number: " + raw);
    }
  }

  static void requireAll(Map<String, String> p, String... names) {
    for (String n : names) {
      if (!p.containsKey(n) || p.get(n).isBlank()) {
        throw new SimError("1001", "missing parameter " + n);
      }
    }
  }
}
