package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DbFailuresTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"22021", "22003", "22P02", "23505", "23502", "21000", "54000", "XX000", "P0001"})
  void refusalsThatMayBeTheRequestsOwnAreNeitherUnreachableNorUnavailable(String state) {
    assertThat(DbFailures.unreachable(pg(state))).isFalse();
    assertThat(DbFailures.unavailable(pg(state))).isFalse();
    assertThat(DbFailures.unavailable(new IllegalStateException("wrapped", pg(state)))).isFalse();
    assertThat(DbFailures.code(pg(state))).isEqualTo(state);
  }

  @ParameterizedTest
  @ValueSource(strings = {"08006", "08001", "57P01", "57014", "53100", "53200", "58030"})
  void aDatabaseThatDoesNotJudgeTheRequestIsUnreachable(String state) {
    assertThat(DbFailures.unreachable(pg(state))).isTrue();
    assertThat(DbFailures.unavailable(pg(state))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"55P03", "42501", "42P01", "25006", "40001", "40P01", "0A000", "28P01", "3D000"})
  void refusalsNoContentCanCauseAreUnavailableAfterTheRetry(String state) {
    assertThat(DbFailures.unreachable(pg(state))).isFalse();
    assertThat(DbFailures.unavailable(pg(state))).isTrue();
  }

  @org.junit.jupiter.api.Test
  void nonDatabaseFailuresAreUnreachableButAnUnjudgeableRequestIsNot() {
    assertThat(DbFailures.unreachable(new IOException("reset"))).isTrue();
    assertThat(DbFailures.unreachable(new VertxException("closed"))).isTrue();
    assertThat(DbFailures.unreachable(new IllegalStateException("pool closed"))).isTrue();
    DbFailures.UnusableRequest unusable =
        new DbFailures.UnusableRequest("bad", new IllegalStateException());
    assertThat(DbFailures.unreachable(unusable)).isFalse();
    assertThat(DbFailures.unavailable(unusable)).isFalse();
    assertThat(DbFailures.unusable(unusable)).isTrue();
  }

  private static PgException pg(String state) {
    return new PgException("boom", "ERROR", state, null);
  }
}
