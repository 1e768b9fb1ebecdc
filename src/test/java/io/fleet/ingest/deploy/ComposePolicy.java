package io.fleet.ingest.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The rules every service in docker-compose.yaml must follow, whoever adds it: an image pinned to
 * an exact version, ports published on loopback only (the database's above all), no Docker socket,
 * log rotation and resource limits, and every variable documented in .env.example.
 */
final class ComposePolicy {
  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "::1", "[::1]", "localhost");
  private static final Set<Integer> DATABASE_PORTS = Set.of(5432, 6432);

  private ComposePolicy() {}

  /** Every violation, one line each; empty when the file follows the policy. */
  @SuppressWarnings("unchecked")
  static List<String> violations(String composeYaml, List<String> envExampleLines) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Map<String, Object> root = new Yaml(options).load(composeYaml);
    List<String> out = new ArrayList<>();
    Set<String> documented = new TreeSet<>();
    for (String line : envExampleLines) {
      Matcher m = Pattern.compile("^#?\\s*([A-Z][A-Z0-9_]*)=").matcher(line);
      if (m.find()) {
        documented.add(m.group(1).replaceAll("_FILE$", ""));
      }
    }
    Matcher vars = INTERPOLATION.matcher(composeYaml);
    while (vars.find()) {
      if (!documented.contains(vars.group(1))) {
        out.add("variable ${" + vars.group(1) + "} is not in .env.example");
      }
    }
    Map<String, Object> services = (Map<String, Object>) root.getOrDefault("services", Map.of());
    for (Map.Entry<String, Object> e : services.entrySet()) {
      String name = e.getKey();
      Map<String, Object> svc = (Map<String, Object>) e.getValue();
      image(name, svc, out);
      ports(name, svc, out);
      volumes(name, svc, out);
      logging(name, svc, out);
      limits(name, svc, out);
      if (svc.containsKey("build")
          || String.valueOf(svc.get("image")).startsWith("tracksolid-ingest")) {
        // Variables of the services built here are their configuration: each must be documented.
        Object env = svc.get("environment");
        Iterable<String> keys =
            env instanceof Map<?, ?> map
                ? (Iterable<String>) map.keySet()
                : env instanceof List<?> list
                    ? list.stream().map(o -> o.toString().split("=", 2)[0]).toList()
                    : List.of();
        for (String key : keys) {
          if (!documented.contains(key.replaceAll("_FILE$", ""))) {
            out.add(name + ": environment variable " + key + " is not in .env.example");
          }
        }
      }
    }
    return out;
  }

  private static void image(String name, Map<String, Object> svc, List<String> out) {
    Object image = svc.get("image");
    if (image == null) {
      out.add(name + ": no image: name the image with an exact version tag");
      return;
    }
    String ref = image.toString();
    if (ref.contains("@sha256:")) {
      return;
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    String tag = colon > slash ? ref.substring(colon + 1) : "";
    if (tag.isEmpty()
        || tag.equalsIgnoreCase("latest")
        || !tag.matches(".*\\d+\\.\\d+.*")
        || tag.matches("(?i).*latest.*")) {
      out.add(name + ": image " + ref + " is not pinned to an exact version");
    }
  }

  @SuppressWarnings("unchecked")
  private static void ports(String name, Map<String, Object> svc, List<String> out) {
    for (Object p : (List<Object>) svc.getOrDefault("ports", List.of())) {
      String hostIp;
      int target;
      if (p instanceof Map<?, ?> m) {
        hostIp = m.get("host_ip") == null ? "" : m.get("host_ip").toString();
        target = Integer.parseInt(m.get("target").toString().split("/", -1)[0]);
      } else {
        String spec = p.toString().split("/", -1)[0];
        int lastColon = spec.lastIndexOf(':');
        target = Integer.parseInt(spec.substring(lastColon + 1).split("-", -1)[0]);
        String rest = lastColon < 0 ? "" : spec.substring(0, lastColon);
        int ipEnd = rest.lastIndexOf(':');
        hostIp = ipEnd < 0 ? "" : rest.substring(0, ipEnd);
      }
      if (!LOOPBACK.contains(hostIp)) {
        boolean database =
            DATABASE_PORTS.contains(target) || name.matches("(?i).*(db|postgres|timescale).*");
        out.add(
            name
                + ": "
                + (database ? "database " : "")
                + "port "
                + p
                + " is published beyond loopback");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void volumes(String name, Map<String, Object> svc, List<String> out) {
    for (Object v : (List<Object>) svc.getOrDefault("volumes", List.of())) {
      String text = v instanceof Map<?, ?> m ? String.valueOf(m.get("source")) : v.toString();
      if (text.contains("docker.sock")) {
        out.add(name + ": mounts the Docker socket (" + text + ")");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void logging(String name, Map<String, Object> svc, List<String> out) {
    Map<String, Object> logging = (Map<String, Object>) svc.get("logging");
    Map<String, Object> opts =
        logging == null
            ? Map.of()
            : (Map<String, Object>) logging.getOrDefault("options", Map.of());
    if (logging == null
        || !"json-file".equals(logging.get("driver"))
        || !opts.containsKey("max-size")
        || !opts.containsKey("max-file")) {
      out.add(name + ": no log rotation (logging: *logging, json-file with max-size and max-file)");
    }
  }

  @SuppressWarnings("unchecked")
  private static void limits(String name, Map<String, Object> svc, List<String> out) {
    Map<String, Object> deploy = (Map<String, Object>) svc.getOrDefault("deploy", Map.of());
    Map<String, Object> resources =
        (Map<String, Object>) deploy.getOrDefault("resources", Map.of());
    Map<String, Object> limits = (Map<String, Object>) resources.getOrDefault("limits", Map.of());
    boolean memory = limits.containsKey("memory") || svc.containsKey("mem_limit");
    boolean cpus = limits.containsKey("cpus") || svc.containsKey("cpus");
    if (!memory || !cpus) {
      out.add(name + ": no " + (!memory ? "memory" : "cpu") + " limit (deploy.resources.limits)");
    }
  }
}
