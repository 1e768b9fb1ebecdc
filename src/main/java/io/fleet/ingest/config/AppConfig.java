package io.fleet.ingest.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole typed configuration, built from the environment and validated before anything starts.
 * Each concern declares its own keys beside its record; {@link #KEYS} lists them all.
 */
public record AppConfig(
    boolean demo,
    ServiceConfig service,
    HttpConfig http,
    DatabaseConfig database,
    TracksolidConfig tracksolid,
    OpsConfig ops,
    GeocodeConfig geocode,
    PollConfig poll,
    IngestConfig ingest,
    WebhookConfig webhook,
    BackupConfig backup,
    ReportingConfig reporting) {

  public static final ConfigKey<Boolean> DEMO_MODE =
      ConfigKey.of(
          "DEMO_MODE",
          "false",
          "Run against the built-in Tracksolid and Nominatim simulator (same as --demo).",
          ValueParser.bool());

  /** Every variable the service reads, in README order. */
  public static final List<ConfigKey<?>> KEYS =
      concat(
          List.of(DEMO_MODE),
          ServiceConfig.KEYS,
          HttpConfig.KEYS,
          DatabaseConfig.KEYS,
          TracksolidConfig.KEYS,
          OpsConfig.KEYS,
          GeocodeConfig.KEYS,
          PollConfig.KEYS,
          IngestConfig.KEYS,
          WebhookConfig.KEYS,
          BackupConfig.KEYS,
          ReportingConfig.KEYS);

  public static AppConfig load(Map<String, String> env, boolean demoFlag) {
    ConfigSource source = new ConfigSource(env);
    boolean demoFromEnv =
        Boolean.TRUE.equals(
            source.get(DEMO_MODE)); // read even with --demo, so a bad value is reported
    boolean demo = demoFlag || demoFromEnv;
    AppConfig config =
        new AppConfig(
            demo,
            ServiceConfig.from(source),
            HttpConfig.from(source),
            DatabaseConfig.from(source),
            TracksolidConfig.from(source),
            OpsConfig.from(source),
            GeocodeConfig.from(source, demo),
            PollConfig.from(source),
            IngestConfig.from(source),
            WebhookConfig.from(source, demo),
            BackupConfig.from(source),
            ReportingConfig.from(source));
    DatabaseConfig.checkCompressionAge(source, config.database(), config.poll());
    source.throwIfInvalid();
    return config;
  }

  @SafeVarargs
  private static List<ConfigKey<?>> concat(List<ConfigKey<?>>... lists) {
    List<ConfigKey<?>> all = new ArrayList<>();
    for (List<ConfigKey<?>> list : lists) {
      all.addAll(list);
    }
    return List.copyOf(all);
  }
}
