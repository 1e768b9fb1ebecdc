package io.fleet.ingest.webhook;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Group commit for live pushes. When the database is idle a request is written at once; requests
 * that arrive while commits are in flight wait in a bounded queue and join the next commit of their
 * stream: one transaction, one statement per table, many requests, each acknowledged only after
 * that commit. A group PostgreSQL refuses is split in halves until the request at fault is alone;
 * it then takes the single-request path ({@link PushDelivery}: retried, then dead-lettered) while
 * the others are committed. More items waiting than WEBHOOK_QUEUE_MAX_ITEMS refuses new pushes with
 * {@link Backpressure} (503 with Retry-After): the queue never grows without bound.
 *
 * <p>Queue state is guarded by this object's monitor: requests arrive on any event loop.
 */
final class GroupCommitter {
  static final String QUEUE_ITEMS = "tracksolid.webhook.queue.items";

  /** How big a group may be, how many commits may be in flight and how many items may wait. */
  record Limits(int batchMaxItems, long batchMaxBytes, int commitsInFlight, int queueMaxItems) {}

  /** New pushes are refused while too many items wait: retry shortly. */
  static final class Backpressure extends RuntimeException {
    Backpressure() {
      super("too many push items waiting", null, false, false);
    }
  }

  private record Pending(PushIngestor.Classified classified, Promise<PushDelivery.Result> promise) {
    int items() {
      return classified.request().items().size();
    }
  }

  private final PushIngestor ingestor;
  private final PushDelivery delivery;
  private final Limits limits;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedItems;
  private int inFlight;

  GroupCommitter(
      PushIngestor ingestor, PushDelivery delivery, Limits limits, MeterRegistry registry) {
    this.ingestor = ingestor;
    this.delivery = delivery;
    this.limits = limits;
    Gauge.builder(QUEUE_ITEMS, this, GroupCommitter::waitingItems)
        .description("Pushed items waiting for a group commit")
        .register(registry);
  }

  synchronized int waitingItems() {
    return queuedItems;
  }

  /**
   * Stored (or dead-lettered) and committed when the future succeeds; fails with {@link
   * Backpressure} when the queue is full, or with the database's failure when it did not answer
   * (the caller spools the request).
   */
  Future<PushDelivery.Result> submit(PushRequest request, long bytes) {
    PushIngestor.Classified classified;
    try {
      classified = ingestor.classify(request, bytes);
    } catch (DbFailures.UnusableRequest unusable) {
      return delivery.deliver(request);
    }
    Promise<PushDelivery.Result> promise = Promise.promise();
    synchronized (this) {
      int items = request.items().size();
      if (!queue.isEmpty() && queuedItems + items > limits.queueMaxItems()) {
        return Future.failedFuture(new Backpressure());
      }
      queue.add(new Pending(classified, promise));
      queuedItems += items;
    }
    drain();
    return promise.future();
  }

  /** Starts as many commits as may be in flight, each with the next group. */
  private void drain() {
    List<List<Pending>> starting = new ArrayList<>();
    synchronized (this) {
      while (inFlight < limits.commitsInFlight() && !queue.isEmpty()) {
        starting.add(takeGroup());
        inFlight++;
      }
    }
    for (List<Pending> group : starting) {
      commit(group)
          .onComplete(
              done -> {
                synchronized (this) {
                  inFlight--;
                }
                drain();
              });
    }
  }

  /** The head of the queue and the requests of its stream behind it, within the batch caps. */
  private List<Pending> takeGroup() {
    List<Pending> group = new ArrayList<>();
    Pending head = queue.poll();
    group.add(head);
    String stream = head.classified().request().stream();
    int items = head.items();
    long bytes = head.classified().bytes();
    Iterator<Pending> it = queue.iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (!p.classified().request().stream().equals(stream)) {
        continue;
      }
      if (items + p.items() > limits.batchMaxItems()
          || bytes + p.classified().bytes() > limits.batchMaxBytes()) {
        break;
      }
      it.remove();
      group.add(p);
      items += p.items();
      bytes += p.classified().bytes();
    }
    queuedItems -= items;
    return group;
  }

  /** Settles every request of the group; never fails itself. */
  private Future<Void> commit(List<Pending> group) {
    List<PushIngestor.Classified> requests = group.stream().map(Pending::classified).toList();
    return ingestor
        .write(requests, conn -> Future.succeededFuture())
        .<Void>map(
            outcome -> {
              group.forEach(p -> p.promise().tryComplete(PushDelivery.Result.STORED));
              return null;
            })
        .recover(
            err -> {
              if (DbFailures.unreachable(err)) {
                group.forEach(p -> p.promise().tryFail(err));
                return Future.succeededFuture();
              }
              if (group.size() == 1) {
                Pending p = group.get(0);
                return delivery
                    .deliver(p.classified().request())
                    .onComplete(p.promise())
                    .<Void>mapEmpty()
                    .recover(e -> Future.succeededFuture());
              }
              // Refused: find the request at fault by halves; the others commit without it.
              int half = group.size() / 2;
              List<Pending> first = group.subList(0, half);
              List<Pending> second = group.subList(half, group.size());
              return commit(first).compose(v -> commit(second));
            });
  }
}
