package io.fleet.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DbFailuresTest {

  @ParameterizedTest
  @ValueSource(strings = {"22021", "22003", "22P02", "23505", "23502"})
  void dataErrorsArePermanent(String state) {
    assertThat(DbFailures.permanent(pg(state))).isTrue();
    assertThat(DbFailures.permanent(new IllegalStateException("wrapped", pg(state)))).isTrue();
    assertThat(DbFailures.code(pg(state))).isEqualTo(state);
  }

  @ParameterizedTest
  @ValueSource(strings = {"57014", "55P03", "42501", "42P01", "25006", "53100", "53200", "08006", "57P01", "40001",
      "40P01", "XX000", "0A000"})
  void operationalErrorsAreRetried(String state) {
    assertThat(DbFailures.permanent(pg(state))).isFalse();
  }

  @org.junit.jupiter.api.Test
  void nonDatabaseFailuresAreRetriedButAnUnjudgeableRequestIsNot() {
    assertThat(DbFailures.permanent(new IOException("reset"))).isFalse();
    assertThat(DbFailures.permanent(new VertxException("closed"))).isFalse();
    assertThat(DbFailures.permanent(new IllegalStateException("pool closed"))).isFalse();
    assertThat(DbFailures.permanent(new DbFailures.UnusableRequest("bad", new IllegalStateException()))).isTrue();
  }

  private static PgException pg(String state) {
    return new PgException("boom", "ERROR", state, null);
  }
}
