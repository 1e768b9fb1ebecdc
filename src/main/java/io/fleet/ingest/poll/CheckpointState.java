package io.fleet.ingest.poll;

import io.vertx.core.json.JsonObject;

/**
 * The typed state a committed slice writes beside its checkpoint's position (merged into what is
 * there: keys it leaves out stay as they were).
 */
interface CheckpointState {
  /** A slice that moves the position only. */
  CheckpointState NONE = JsonObject::new;

  JsonObject json();
}
