package io.fleet.ingest.db;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.util.Optional;
import java.util.Properties;

/** One database reached two ways: JDBC for Flyway at startup, the reactive client at runtime. */
public record DatabaseTarget(
    String host, int port, String database, String user, String password, SslMode sslMode) {

  /** Parses a postgresql:// URI; a password given separately wins over one in the URI. */
  public static DatabaseTarget fromUri(String uri, Optional<String> passwordOverride) {
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(uri);
    } catch (RuntimeException e) {
      // The URI may hold a password, so the message never repeats it.
      throw new IllegalArgumentException("DATABASE_URL: not a valid postgresql:// URI");
    }
    String password = passwordOverride.orElse(options.getPassword());
    return new DatabaseTarget(
        options.getHost(),
        options.getPort(),
        options.getDatabase(),
        options.getUser(),
        password == null ? "" : password,
        options.getSslMode() == null ? SslMode.DISABLE : options.getSslMode());
  }

  public DatabaseTarget withDatabase(String name) {
    return new DatabaseTarget(host, port, name, user, password, sslMode);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public Properties jdbcProperties() {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    props.setProperty(
        "sslmode", sslMode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    props.setProperty("ApplicationName", "tracksolid-ingest");
    return props;
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .setSslMode(sslMode)
        .setCachePreparedStatements(true)
        .addProperty("application_name", "tracksolid-ingest");
  }

  /** A postgresql:// URI, as tests and tools pass around. */
  public String uri() {
    String auth =
        user
            + (password.isEmpty()
                ? ""
                : ":"
                    + java.net.URLEncoder.encode(
                        password, java.nio.charset.StandardCharsets.UTF_8));
    return "postgresql://" + auth + "@" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return "DatabaseTarget[" + user + "@" + host + ":" + port + "/" + database + "]";
  }
}
