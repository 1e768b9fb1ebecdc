package io.fleet.ingest.geocode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.config.AppConfig;
import io.fleet.ingest.config.ConfigException;
import io.fleet.ingest.config.GeocodeConfig;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public host's policy is enforced before anything starts, naming the variable. */
class GeocodeConfigTest {
  static final String AGENT = "acme-fleet/1.0 (ops@acme.example)";

  @Test
  void publicHostNeedsAnIdentifyingUserAgentWithContact() {
    assertThatThrownBy(() -> AppConfig.load(Map.of(), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NOMINATIM_USER_AGENT");
    assertThatThrownBy(
            () -> AppConfig.load(Map.of("NOMINATIM_USER_AGENT", "acme-fleet/1.0"), false))
        .hasMessageContaining("NOMINATIM_USER_AGENT");
    assertThatThrownBy(
            () ->
                AppConfig.load(
                    Map.of("NOMINATIM_USER_AGENT", "Java-http-client/21 (x@y.org)"), false))
        .hasMessageContaining("NOMINATIM_USER_AGENT")
        .hasMessageContaining("stock");
    GeocodeConfig ok =
        AppConfig.load(
                Map.of(
                    "JIMI_WEBHOOK_TOKEN",
                    "config-test-token-0123456789abcdef",
                    "NOMINATIM_USER_AGENT",
                    AGENT),
                false)
            .geocode();
    assertThat(ok.publicHost()).isTrue();
    assertThat(ok.ratePerSecond()).isEqualTo(1.0);
    assertThat(ok.precision()).isEqualTo(4);
    assertThat(ok.effectiveUserAgent()).isEqualTo(AGENT);
    assertThat(
            AppConfig.load(
                    Map.of(
                        "JIMI_WEBHOOK_TOKEN",
                        "config-test-token-0123456789abcdef",
                        "NOMINATIM_USER_AGENT",
                        "acme/2 (+https://acme.example/contact)"),
                    false)
                .geocode()
                .publicHost())
        .isTrue();
  }

  @Test
  void publicHostAllowsAtMostOneRequestPerSecond() {
    assertThatThrownBy(
            () ->
                AppConfig.load(
                    Map.of(
                        "JIMI_WEBHOOK_TOKEN",
                        "config-test-token-0123456789abcdef",
                        "NOMINATIM_USER_AGENT",
                        AGENT,
                        "GEOCODE_RATE_PER_SECOND",
                        "2"),
                    false))
        .hasMessageContaining("GEOCODE_RATE_PER_SECOND");
  }

  @Test
  void selfHostedMayGoFasterAndDefaultsTheAgent() {
    GeocodeConfig config =
        AppConfig.load(
                Map.of(
                    "JIMI_WEBHOOK_TOKEN",
                    "config-test-token-0123456789abcdef",
                    "NOMINATIM_URL",
                    "http://nominatim.internal:8080",
                    "GEOCODE_RATE_PER_SECOND",
                    "20"),
                false)
            .geocode();
    assertThat(config.publicHost()).isFalse();
    assertThat(config.ratePerSecond()).isEqualTo(20.0);
    assertThat(config.effectiveUserAgent()).startsWith("tracksolid-ingest/");
    assertThat(config.publicHostProblem()).isEmpty();
  }

  @Test
  void disabledOrDemoStartsWithoutAnAgentButTheModuleChecksTheRealUrl() {
    assertThat(
            AppConfig.load(
                    Map.of(
                        "GEOCODE_ENABLED",
                        "false",
                        "JIMI_WEBHOOK_TOKEN",
                        "config-test-token-0123456789abcdef"),
                    false)
                .geocode()
                .enabled())
        .isFalse();
    GeocodeConfig demo = AppConfig.load(Map.of(), true).geocode();
    assertThat(demo.publicHostProblem())
        .hasValueSatisfying(p -> assertThat(p).contains("NOMINATIM_USER_AGENT"));
    assertThat(demo.withUrl(URI.create("http://127.0.0.1:9999")).publicHostProblem()).isEmpty();
  }

  @Test
  void badValuesNameTheVariable() {
    ConfigException e =
        (ConfigException)
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    AppConfig.load(
                        Map.of(
                            "GEOCODE_PRECISION",
                            "9",
                            "NOMINATIM_URL",
                            "ftp://x",
                            "GEOCODE_BLOCK_PAUSE",
                            "5m"),
                        true));
    assertThat(e.problems())
        .anyMatch(p -> p.startsWith("GEOCODE_PRECISION:"))
        .anyMatch(p -> p.startsWith("NOMINATIM_URL:"))
        .anyMatch(p -> p.startsWith("GEOCODE_BLOCK_PAUSE:"));
  }
}
