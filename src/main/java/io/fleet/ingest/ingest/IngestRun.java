package io.fleet.ingest.ingest;

import io.fleet.ingest.lease.Fence;
import io.fleet.ingest.ops.IngestMetrics;
import io.fleet.ingest.store.Checkpoints;
import io.fleet.ingest.store.IngestionLogEntry;
import io.fleet.ingest.store.IngestionLogWriter;
import io.fleet.ingest.store.QuarantineItem;
import io.fleet.ingest.store.QuarantineWriter;
import io.fleet.ingest.store.RunKind;
import io.fleet.ingest.store.RunStatus;
import io.fleet.ingest.store.WriteResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one run transaction every ingest path commits through (each poll kind, the device sync, the
 * positions poll and the webhook's group commits): under the lease fence when there is one,
 * quarantine the refused items, upsert the accepted rows, append the ingestion_log row, advance the
 * checkpoint; then, only after the commit, move the row and quarantine metrics, so a rolled-back
 * run (split, retried, spooled or replayed) is never counted twice.
 */
public final class IngestRun {
  private final Pool pool;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final String instanceId;
  private final QuarantineWriter quarantine = new QuarantineWriter();
  private final IngestionLogWriter log = new IngestionLogWriter();

  public IngestRun(Pool pool, Clock clock, IngestMetrics metrics, String instanceId) {
    this.pool = pool;
    this.clock = clock;
    this.metrics = metrics;
    this.instanceId = instanceId;
  }

  /** Which run this is: its ingestion_log stream, account, kind, window (may be null) and start. */
  public record Run(
      String stream, String account, RunKind kind, Instant from, Instant to, Instant startedAt) {
    public Run {
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(startedAt, "startedAt");
    }
  }

  /** A high-water mark the run vouches for, advanced in its transaction. */
  public record Checkpoint(String key, Instant position, JsonObject state) {}

  /**
   * What a run commits. {@code upsert} does its table writes on the transaction's connection; it
   * may add to {@code detail} (stored in the log row's detail when not empty). {@code fence} and
   * {@code checkpoint} may be null.
   */
  public record Commit(
      Run run,
      int fetched,
      List<QuarantineItem> rejected,
      Function<SqlConnection, Future<RowsWrite.Written>> upsert,
      Fence fence,
      Checkpoint checkpoint,
      RunStatus status,
      String error,
      JsonObject detail) {

    /** A run whose table writes fail or commit as a whole (the webhook isolates by request). */
    public static Commit of(
        Run run,
        int fetched,
        List<QuarantineItem> rejected,
        Function<SqlConnection, Future<WriteResult>> upsert) {
      return new Commit(
          run,
          fetched,
          rejected,
          conn -> upsert.apply(conn).map(w -> new RowsWrite.Written(w, List.of())),
          null,
          null,
          RunStatus.OK,
          null,
          new JsonObject());
    }

    /**
     * A run of one table's rows, where a row PostgreSQL refuses for its content is quarantined and
     * the rest commits; {@code after} runs next in the transaction (may be null).
     */
    public static <T> Commit of(
        Run run,
        int fetched,
        List<QuarantineItem> rejected,
        RowsWrite<T> rows,
        Function<SqlConnection, Future<?>> after) {
      return new Commit(
          run,
          fetched,
          rejected,
          conn ->
              rows.write(conn)
                  .compose(
                      w -> after == null ? Future.succeededFuture(w) : after.apply(conn).map(w)),
          null,
          null,
          RunStatus.OK,
          null,
          new JsonObject());
    }

    public Commit fenced(Fence f) {
      return new Commit(run, fetched, rejected, upsert, f, checkpoint, status, error, detail);
    }

    public Commit advancing(Checkpoint c) {
      return new Commit(run, fetched, rejected, upsert, fence, c, status, error, detail);
    }

    /** Committed, but logged as an error (e.g. some targets failed to list). */
    public Commit failedPartly(String why) {
      return new Commit(
          run, fetched, rejected, upsert, fence, checkpoint, RunStatus.ERROR, why, detail);
    }

    public Commit withDetail(JsonObject d) {
      return new Commit(run, fetched, rejected, upsert, fence, checkpoint, status, error, d);
    }
  }

  /** What a committed run did: its counts (as logged) and what its table writes reported. */
  public record Committed(Counts counts, WriteResult written) {}

  public Future<Committed> commit(Commit c) {
    Run run = c.run();
    record Done(Committed committed, QuarantineWriter.Result quarantined) {}
    return inTransaction(
            conn ->
                Fence.check(conn, c.fence(), clock.instant())
                    .compose(v -> quarantine.write(conn, c.rejected()))
                    .compose(
                        q ->
                            c.upsert()
                                .apply(conn)
                                .compose(
                                    w ->
                                        quarantine
                                            .write(conn, w.refused())
                                            .map(
                                                r ->
                                                    new Done(
                                                        new Committed(
                                                            Counts.of(
                                                                c.fetched(),
                                                                w.result(),
                                                                c.rejected().size()
                                                                    + w.refused().size()),
                                                            w.result()),
                                                        merge(q, r)))))
                    .compose(
                        d ->
                            log.write(
                                    conn,
                                    entry(run, d.committed().counts(), c.status(), c.error()),
                                    c.detail() == null || c.detail().isEmpty() ? null : c.detail())
                                .compose(
                                    id ->
                                        c.checkpoint() == null
                                            ? Future.<Void>succeededFuture()
                                            : Checkpoints.advance(
                                                conn,
                                                run.account(),
                                                c.checkpoint().key(),
                                                c.checkpoint().position(),
                                                c.checkpoint().state(),
                                                clock.instant()))
                                .map(d)))
        .map(
            d -> {
              Counts counts = d.committed().counts();
              metrics.quarantined(d.quarantined());
              metrics.rows(run.stream(), counts.inserted(), counts.updated(), counts.rejected());
              return d.committed();
            });
  }

  /**
   * BEGIN ... COMMIT on one connection, by hand: the client's own transaction rolls back at the
   * first failed statement, and {@link RowsWrite} must carry on past a refused batch (back to its
   * savepoint). Any failure rolls the whole run back.
   */
  private <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(
        conn ->
            conn.query("BEGIN")
                .execute()
                .compose(v -> work.apply(conn))
                .compose(r -> conn.query("COMMIT").execute().map(r))
                .recover(
                    err ->
                        conn.query("ROLLBACK")
                            .execute()
                            .transform(x -> Future.<T>failedFuture(err))));
  }

  private static QuarantineWriter.Result merge(
      QuarantineWriter.Result a, QuarantineWriter.Result b) {
    if (b.inserted() == 0 && b.duplicates() == 0) {
      return a;
    }
    java.util.Map<List<String>, Integer> by = new java.util.HashMap<>(a.newByStreamReason());
    b.newByStreamReason().forEach((k, v) -> by.merge(k, v, Integer::sum));
    return new QuarantineWriter.Result(
        a.inserted() + b.inserted(), a.duplicates() + b.duplicates(), java.util.Map.copyOf(by));
  }

  /**
   * A checkpoint written on its own, with no rows and no log row (a schedule mark, such as when the
   * reconcile pass first starts counting its interval), under the lease fence like every other.
   */
  public Future<Void> mark(Fence fence, String account, Checkpoint c) {
    return inTransaction(
        conn ->
            Fence.check(conn, fence, clock.instant())
                .compose(
                    v ->
                        Checkpoints.advance(
                            conn, account, c.key(), c.position(), c.state(), clock.instant())));
  }

  /**
   * A run that failed before or in its transaction leaves an error row of its own, written on the
   * pool.
   */
  public Future<Void> logFailure(Run run, Throwable err) {
    return log.write(
            pool,
            entry(
                run,
                Counts.ZERO,
                RunStatus.ERROR,
                err.getClass().getSimpleName() + ": " + err.getMessage()))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  private IngestionLogEntry entry(Run run, Counts c, RunStatus status, String error) {
    return new IngestionLogEntry(
        run.stream(),
        run.account(),
        run.kind(),
        run.from(),
        run.to(),
        c.fetched(),
        c.inserted(),
        c.updated(),
        c.rejected(),
        run.startedAt(),
        clock.instant(),
        status,
        error,
        instanceId);
  }
}
