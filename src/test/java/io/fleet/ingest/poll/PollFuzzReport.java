package io.fleet.ingest.poll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a {@link PollFuzzTest} run: printed, and written into the report file after its
 * marker (replacing an earlier run's figures, keeping what comes before: the webhook's).
 */
public final class PollFuzzReport {
  public static final String MARKER = "<!-- poll fuzz figures: written by PollFuzzTest -->";

  static final String COMMAND =
      "./tracksolid-ingest test -Dtest=PollFuzzTest -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dpoll.fuzz.devices=60 -Dpoll.fuzz.days=30 -Djunit.jupiter.execution.timeout.default=30m"
          + " -Dpoll.fuzz.report=docs/reports/reliability.md";

  private final long seed;
  private final int devices;
  private final int days;
  private final double share;
  private final int rounds;
  private final long started;
  private final Map<String, int[]> served = new TreeMap<>();
  private final Map<String, Integer> mutations = new TreeMap<>();

  PollFuzzReport(long seed, int devices, int days, double share, int rounds, long started) {
    this.started = started;
    this.seed = seed;
    this.devices = devices;
    this.days = days;
    this.share = share;
    this.rounds = rounds;
  }

  void served(String stream, int clean, int broken) {
    served.put(stream, new int[] {clean, broken});
  }

  void mutation(String stream, String kind) {
    mutations.merge(stream + " " + kind, 1, Integer::sum);
  }

  void write(Map<String, Long> counts, String file) throws IOException {
    int broken = served.values().stream().mapToInt(v -> v[1]).sum();
    int clean = served.values().stream().mapToInt(v -> v[0]).sum();
    StringBuilder s = new StringBuilder();
    s.append(MARKER).append("\n# Reliability: the poll side under vendor garbage\n\n");
    s.append(
            "The running service polls the simulator (real HTTP, real client, real PostgreSQL) while"
                + " the simulator breaks a share of the rows of every poll method, each row one way,"
                + " seeded: oversized random strings, integers past 32 and 64 bits, NUL, lone"
                + " surrogates, numbers for strings, strings for numbers, missing keys; and serves"
                + " others twice, within a page or again on the next. The test checks every clean row"
                + " stored exactly once against the simulator's ground truth, every broken row stored"
                + " within the row rules or quarantined, every checkpoint at the end of its window, no"
                + " run in error, and the same counts after a restart.\n\nReproduce (rewrites this"
                + " section):\n\n```sh\n")
        .append(COMMAND)
        .append(
            "\n```\n\nThe suite runs the same test with 40 devices over 3 days (`PollFuzzTest`). The simulator keeps up with about 60 devices over 30 days on this 2-core machine; with hundreds of devices its own cost per call (it scans the whole fleet for each call) makes vendor calls time out, which measures the stand-in, not the service.\n\n");
    s.append("| figure | value |\n|---|---:|\n");
    s.append("| run at (UTC) | ").append(Instant.now().toString(), 0, 19).append("Z |\n");
    s.append("| seed | ").append(seed).append(" |\n");
    s.append("| devices | ").append(devices).append(" |\n");
    s.append("| days of history polled | ").append(days).append(" |\n");
    s.append("| share of rows broken | ").append(share).append(" |\n");
    s.append("| runs of the service (each 2 h later, after a restart) | 1 + ")
        .append(rounds)
        .append(" + 1 |\n");
    s.append("| clean rows, each stored once | ").append(clean).append(" |\n");
    s.append("| broken rows (windowed and positions) | ").append(broken).append(" |\n");
    s.append("| duration (all runs and checks) | ")
        .append(String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9))
        .append(" |\n");
    s.append("\n| stream | clean rows stored once | broken rows |\n|---|---:|---:|\n");
    served.forEach(
        (k, v) ->
            s.append("| ")
                .append(k)
                .append(" | ")
                .append(v[0])
                .append(" | ")
                .append(v[1])
                .append(" |\n"));
    s.append("\n| stream and mutation | rows |\n|---|---:|\n");
    mutations.forEach((k, v) -> s.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    s.append(
        "\n| table, or quarantine stream and reason | rows (the same after the restart) |\n|---|---:|\n");
    counts.forEach((k, v) -> s.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    System.out.println(s);
    if (file == null || file.isBlank()) {
      return;
    }
    Path path = Path.of(file);
    String before = Files.exists(path) ? Files.readString(path) : "";
    int at = before.indexOf(MARKER);
    String head = at < 0 ? before : before.substring(0, at);
    if (!head.isEmpty() && !head.endsWith("\n\n")) {
      head = head.endsWith("\n") ? head + "\n" : head + "\n\n";
    }
    Files.writeString(path, head + s);
  }
}
