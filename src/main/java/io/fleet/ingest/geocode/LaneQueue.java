package io.fleet.ingest.geocode;

import io.fleet.ingest.geocode.Geocoder.Priority;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lookups waiting for the lane: fresh before backfill, one job per key (asking again shares it,
 * and a fresh ask lifts a queued backfill one), at most {@code capacity} jobs, fresh work
 * displacing the newest backfill job when full. Confined to the lane's context; only the depths are
 * read from other threads.
 */
final class LaneQueue {
  static final class Job {
    final GeoKey key;
    Priority priority;
    final Promise<NominatimAnswer> promise = Promise.promise();
    int attempts;

    Job(GeoKey key, Priority priority) {
      this.key = key;
      this.priority = priority;
    }
  }

  /** The lookup's answer to come, and whether a new job joined the queue for it. */
  record Added(Future<NominatimAnswer> answer, boolean isNew) {}

  private final int capacity;
  private final ArrayDeque<Job> fresh = new ArrayDeque<>();
  private final ArrayDeque<Job> backfill = new ArrayDeque<>();
  private final Map<GeoKey, Job> queued = new HashMap<>();
  // Read from any thread by the lane's state() and the gauges.
  private volatile int freshDepth;
  private volatile int backfillDepth;

  LaneQueue(int capacity) {
    this.capacity = capacity;
  }

  Added add(GeoKey key, Priority priority) {
    Job existing = queued.get(key);
    if (existing != null) {
      if (priority == Priority.FRESH
          && existing.priority == Priority.BACKFILL
          && backfill.remove(existing)) {
        existing.priority = Priority.FRESH;
        fresh.addLast(existing);
        depths();
      }
      return new Added(existing.promise.future(), false);
    }
    if (fresh.size() + backfill.size() >= capacity) {
      if (priority == Priority.FRESH && !backfill.isEmpty()) {
        Job displaced = backfill.pollLast();
        queued.remove(displaced.key);
        displaced.promise.complete(
            new NominatimAnswer.Failed("displaced", "queue full of fresh work"));
      } else {
        return new Added(
            Future.succeededFuture(
                new NominatimAnswer.Failed(
                    "queue_full", "geocoder queue holds " + capacity + " lookups")),
            false);
      }
    }
    Job job = new Job(key, priority);
    queued.put(key, job);
    (priority == Priority.FRESH ? fresh : backfill).addLast(job);
    depths();
    return new Added(job.promise.future(), true);
  }

  boolean isEmpty() {
    return fresh.isEmpty() && backfill.isEmpty();
  }

  int size() {
    return fresh.size() + backfill.size();
  }

  /** The next job to send, fresh work first; call only when not {@link #isEmpty}. */
  Job next() {
    Job job = fresh.isEmpty() ? backfill.pollFirst() : fresh.pollFirst();
    depths();
    return job;
  }

  /** Puts a job that is to be tried again back at the head of its queue. */
  void requeueFirst(Job job) {
    (job.priority == Priority.FRESH ? fresh : backfill).addFirst(job);
    depths();
  }

  /** The job is over: its key may be queued afresh, and its callers get {@code answer}. */
  void complete(Job job, NominatimAnswer answer) {
    queued.remove(job.key);
    job.promise.complete(answer);
  }

  /** Answers every waiting job {@code why} and empties the queue. */
  void drainAll(String why) {
    for (ArrayDeque<Job> q : List.of(fresh, backfill)) {
      Job job;
      while ((job = q.pollFirst()) != null) {
        complete(job, new NominatimAnswer.Failed(why, "lane " + why));
      }
    }
    depths();
  }

  int freshDepth() {
    return freshDepth;
  }

  int backfillDepth() {
    return backfillDepth;
  }

  private void depths() {
    freshDepth = fresh.size();
    backfillDepth = backfill.size();
  }
}
