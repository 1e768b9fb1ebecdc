-- Compressing chunks by hand while a compression policy runs races the policy: both see a chunk
-- uncompressed, and the second to reach it fails with 'chunk "..." is already compressed'
-- (if_not_compressed only covers a chunk that was compressed before the call started). The policy
-- catches that per chunk, but a run whose every chunk failed ends as a failed job.
--
-- CALL tracksolid.compress_chunks(interval '10 days') takes the policy out of the race instead:
-- for each tracksolid hypertable it holds the compression policy's next run back, lets a run in
-- progress finish, compresses what is still uncompressed and older than the interval, then gives
-- the policy its start time back, also when a chunk failed. A chunk found compressed after all
-- counts as done. Each step commits on its own, so it must be CALLed outside a transaction block;
-- the policy is then never held back longer than the compression itself. On plain PostgreSQL it
-- does nothing.
--
-- Only the owner (tracksolid_owner, which owns the policies) and superusers may run it.
CREATE OR REPLACE PROCEDURE tracksolid.compress_chunks(older_than interval)
LANGUAGE plpgsql AS $$
DECLARE
  ht        record;
  chunk     record;
  job       integer;
  resume_at timestamptz;
  seen      timestamptz;
  quiet     integer;
  deadline  timestamptz;
  failures  text[] := '{}';
  done      integer := 0;
  message   text;
BEGIN
  IF older_than IS NULL OR older_than < interval '0' THEN
    RAISE EXCEPTION 'compress_chunks: older_than must be a non-negative interval, got %', older_than;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    RAISE NOTICE 'compress_chunks: not a TimescaleDB database, nothing to compress';
    RETURN;
  END IF;
  FOR ht IN
    SELECT format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass AS rel,
           h.hypertable_schema AS sch, h.hypertable_name AS tab
    FROM timescaledb_information.hypertables h
    WHERE h.hypertable_schema = 'tracksolid' AND h.compression_enabled
    ORDER BY h.hypertable_name
  LOOP
    SELECT j.job_id, j.next_start INTO job, resume_at FROM timescaledb_information.jobs j
    WHERE j.proc_name = 'policy_compression' AND j.scheduled
      AND j.hypertable_schema = ht.sch AND j.hypertable_name = ht.tab;
    IF job IS NOT NULL THEN
      -- Hold the policy back without unscheduling it (that would cancel a run in progress and
      -- fail it): postpone its next start, let a run in progress finish, and postpone again after
      -- it, since a run that ends sets its own next start. Done when no worker of the job is
      -- alive, seen twice in a row (a launched worker shows up within milliseconds). A live
      -- process, not job_stats: a run whose worker failed to start can stay 'Running' there.
      deadline := clock_timestamp() + interval '15 minutes';
      quiet := 0;
      WHILE quiet < 2 LOOP
        SELECT j.next_start INTO seen FROM timescaledb_information.jobs j WHERE j.job_id = job;
        IF seen IS DISTINCT FROM 'infinity'::timestamptz THEN
          resume_at := seen;
          PERFORM alter_job(job, next_start => 'infinity');
          COMMIT;
          quiet := 0;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_stat_activity a
                   WHERE a.datname = current_database() AND a.backend_type <> 'client backend'
                     AND a.application_name LIKE '%[' || job || ']') THEN
          quiet := 0;
        ELSE
          quiet := quiet + 1;
        END IF;
        EXIT WHEN clock_timestamp() > deadline;
        PERFORM pg_sleep(0.1);
      END LOOP;
      IF quiet < 2 THEN
        failures := failures || format('%s: its compression policy (job %s) ran for 15 minutes', ht.rel, job);
      END IF;
    END IF;
    IF job IS NULL OR quiet >= 2 THEN
      FOR chunk IN
        SELECT c AS rel FROM show_chunks(ht.rel, older_than => older_than) c
        JOIN timescaledb_information.chunks i
          ON format('%I.%I', i.chunk_schema, i.chunk_name)::regclass = c
        WHERE NOT i.is_compressed
        ORDER BY i.range_start
      LOOP
        BEGIN
          PERFORM compress_chunk(chunk.rel, if_not_compressed => true);
          done := done + 1;
        EXCEPTION WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS message = MESSAGE_TEXT;
          IF NOT EXISTS (SELECT 1 FROM timescaledb_information.chunks i
                         WHERE format('%I.%I', i.chunk_schema, i.chunk_name)::regclass = chunk.rel
                           AND i.is_compressed) THEN
            failures := failures || format('%s: %s', chunk.rel, message);
          END IF;
        END;
        COMMIT;
      END LOOP;
    END IF;
    IF job IS NOT NULL THEN
      -- Due runs start at once; a policy that was due later keeps its time.
      PERFORM alter_job(job, next_start => greatest(COALESCE(resume_at, now()), now()));
      COMMIT;
    END IF;
  END LOOP;
  IF cardinality(failures) > 0 THEN
    RAISE EXCEPTION 'compress_chunks: % chunk(s) compressed, % failed', done, cardinality(failures)
      USING DETAIL = array_to_string(failures, E'\n');
  END IF;
  RAISE NOTICE 'compress_chunks: % chunk(s) compressed', done;
END
$$;
REVOKE ALL ON PROCEDURE tracksolid.compress_chunks(interval) FROM PUBLIC;
