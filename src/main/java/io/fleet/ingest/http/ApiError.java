package io.fleet.ingest.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The JSON body every 4xx and 5xx carries: a stable code and a sentence naming the problem. */
public record ApiError(int status, String error, String message) {

  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("error", error).put("message", message);
  }

  public void send(RoutingContext ctx) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(toJson().encode());
  }
}
