package io.fleet.ingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleet.ingest.app.RunningService;
import io.fleet.ingest.db.DatabaseTarget;
import io.fleet.ingest.support.Http;
import io.fleet.ingest.support.TestDatabases;
import io.fleet.ingest.support.TestService;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml is a valid OpenAPI 3.1 description and covers every route the running service
 * registers, on the public and on the management listener: a new route without documentation fails
 * here.
 */
class OpenApiCoverageTest {
  private static final String FILE = "docs/openapi.yaml";
  private static final List<String> WEBHOOK_ERRORS =
      List.of("400", "401", "413", "415", "500", "503");
  private static OpenAPI api;
  private static DatabaseTarget db;

  @BeforeAll
  static void parse() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setResolveFully(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readLocation(FILE, null, options);
    assertThat(result.getMessages()).as("parser messages").isEmpty();
    api = result.getOpenAPI();
    assertThat(api).isNotNull();
    assertThat(api.getOpenapi()).startsWith("3.1");
    db = TestDatabases.fresh();
  }

  @Test
  void everyRegisteredRouteIsDocumented() {
    Set<String> registered = new TreeSet<>();
    // Without METRICS_PORT: /metrics on the public router. With it: the management listener.
    for (Map<String, String> extra :
        List.of(Map.<String, String>of(), Map.of("METRICS_PORT", "0"))) {
      Map<String, String> env = TestService.baseEnv(db);
      env.putAll(extra);
      RunningService s = TestService.start(env, Clock.systemUTC());
      try {
        registered.addAll(routes(s.context().router()));
        TestService.module(s, OpsModule.class)
            .metricsServer()
            .flatMap(MetricsServer::router)
            .ifPresent(r -> registered.addAll(routes(r)));
      } finally {
        TestService.stop(s);
      }
    }
    assertThat(registered)
        .contains(
            "GET /health",
            "GET /health/ingest",
            "GET /metrics",
            "POST /pushgps",
            "POST /push",
            "GET /",
            "GET /api/status",
            "GET /api/fleet");
    List<String> missing = new ArrayList<>();
    for (String route : registered) {
      String[] parts = route.split(" ", 2);
      if (operation(parts[1], parts[0]) == null) {
        missing.add(route);
      }
    }
    assertThat(missing).as("routes missing from " + FILE).isEmpty();
  }

  @Test
  void everyWebhookPathTakesBothBodyStylesAndListsEveryErrorAnswer() {
    List<String> webhookPaths =
        api.getPaths().keySet().stream().filter(p -> p.startsWith("/push")).toList();
    assertThat(webhookPaths).hasSize(10);
    for (String path : webhookPaths) {
      Operation post = operation(path, "POST");
      assertThat(post).as(path).isNotNull();
      assertThat(post.getRequestBody().getContent().keySet())
          .as(path)
          .contains("application/x-www-form-urlencoded", "application/json");
      assertThat(post.getResponses().keySet()).as(path).contains("200").containsAll(WEBHOOK_ERRORS);
      for (String code : WEBHOOK_ERRORS) {
        // Resolved fully, so the schema is the Error schema itself.
        List<?> required =
            post.getResponses()
                .get(code)
                .getContent()
                .get("application/json")
                .getSchema()
                .getRequired();
        assertThat(required.stream().map(Object::toString).toList())
            .as(path + " " + code + " answers the Error body")
            .contains("error", "message");
      }
    }
  }

  @Test
  void documentedGetPathsAnswerOnTheirListener() {
    Map<String, String> env = TestService.baseEnv(db);
    env.put("METRICS_PORT", "0");
    RunningService s = TestService.start(env, Clock.systemUTC());
    try {
      int management =
          TestService.module(s, OpsModule.class).metricsServer().orElseThrow().port().orElseThrow();
      for (Map.Entry<String, PathItem> e : api.getPaths().entrySet()) {
        if (e.getValue().getGet() == null) {
          continue;
        }
        int publicStatus = Http.get(s.httpPort(), e.getKey()).status();
        int managementStatus = Http.get(management, e.getKey()).status();
        assertThat(publicStatus != 404 || managementStatus != 404)
            .as("GET " + e.getKey() + " is served")
            .isTrue();
      }
    } finally {
      TestService.stop(s);
    }
  }

  private static Operation operation(String path, String method) {
    PathItem item = api.getPaths().get(path);
    if (item == null) {
      return null;
    }
    return item.readOperationsMap().get(PathItem.HttpMethod.valueOf(method));
  }

  /** "METHOD /path" of every route with a method: guards and error handlers have none. */
  private static List<String> routes(Router router) {
    List<String> out = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      if (methods == null || methods.isEmpty()) {
        continue;
      }
      assertThat(route.getPath()).as("a route with a method has a plain path").isNotNull();
      for (HttpMethod m : methods) {
        out.add(m.name() + " " + route.getPath());
      }
    }
    return out;
  }
}
