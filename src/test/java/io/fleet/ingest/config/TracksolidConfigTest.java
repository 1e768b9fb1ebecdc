package io.fleet.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleet.ingest.tracksolid.Signer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracksolidConfigTest {

  private static TracksolidConfig load(Map<String, String> env) {
    ConfigSource source = new ConfigSource(env);
    TracksolidConfig config = TracksolidConfig.from(source);
    source.throwIfInvalid();
    return config;
  }

  @Test
  void withoutAnAppKeyTheClientIsOffWithAReasonNotAFailure() {
    TracksolidConfig config = load(Map.of());
    assertThat(config.enabled()).isFalse();
    assertThat(config.disabledReason()).contains("TRACKSOLID_APP_KEY");
    assertThat(config.maxInflight()).isEqualTo(2);
  }

  @Test
  void envAccountHashesThePasswordAndDefaultsTargetsToTheUser(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "s3cret\n");
    TracksolidConfig config =
        load(
            Map.of(
                "TRACKSOLID_APP_KEY",
                "K",
                "TRACKSOLID_APP_SECRET_FILE",
                secret.toString(),
                "TRACKSOLID_USER_ID",
                "fleet",
                "TRACKSOLID_PASSWORD",
                "pw"));
    TracksolidAccount a = config.account("").orElseThrow();
    assertThat(a.appSecret()).isEqualTo("s3cret");
    assertThat(a.passwordMd5()).isEqualTo(Signer.md5Hex("pw"));
    assertThat(a.targets()).containsExactly("fleet");
    assertThat(a.baseUrl().toString()).isEqualTo("https://hk-open.tracksolidpro.com/route/rest");
    assertThat(a.toString()).doesNotContain("s3cret");
  }

  @Test
  void partialCredentialsNameEveryMissingVariable() {
    assertThatThrownBy(() -> load(Map.of("TRACKSOLID_APP_KEY", "K")))
        .hasMessageContaining("TRACKSOLID_APP_SECRET")
        .hasMessageContaining("TRACKSOLID_USER_ID")
        .hasMessageContaining("TRACKSOLID_PASSWORD");
  }

  @Test
  void accountsFileAddsAccounts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("accounts.json");
    Files.writeString(
        file,
        """
        [{"name":"eu","baseUrl":"https://eu-open.tracksolidpro.com/route/rest","appKey":"A","appSecret":"S",
          "userId":"u1","passwordMd5":"%s","targets":["u1","u1-sub"]}]"""
            .formatted(Signer.md5Hex("x")));
    TracksolidConfig config = load(Map.of("TRACKSOLID_ACCOUNTS_FILE", file.toString()));
    assertThat(config.enabled()).isTrue();
    assertThat(config.accounts()).extracting(TracksolidAccount::name).isEqualTo(List.of("eu"));
    assertThat(config.account("eu").orElseThrow().targets()).containsExactly("u1", "u1-sub");
  }
}
