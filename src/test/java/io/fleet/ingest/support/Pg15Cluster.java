package io.fleet.ingest.support;

import io.fleet.ingest.db.DatabaseTarget;
import io.vertx.pgclient.SslMode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throw-away Debian PostgreSQL 15 cluster for the backup tests, whose pg_dump and pg_restore
 * match its server (the embedded PostgreSQL ships neither). One per JVM, on a free loopback port,
 * in a temporary directory, stopped and removed at exit. Debian's initdb refuses root, so as root
 * the server runs as the {@code postgres} user. Absent binaries: {@link #available()} is false and
 * the tests skip.
 */
public final class Pg15Cluster {
  public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static DatabaseTarget admin;

  private Pg15Cluster() {}

  public static boolean available() {
    return Files.isExecutable(BIN.resolve("initdb"))
        && Files.isExecutable(BIN.resolve("pg_dump"))
        && Files.isExecutable(BIN.resolve("pg_restore"));
  }

  /** A new empty database on the cluster, as its superuser. */
  public static DatabaseTarget fresh(String prefix) {
    DatabaseTarget server = server();
    String name = prefix + "_" + COUNTER.incrementAndGet();
    Sql.exec(server, "CREATE DATABASE " + name);
    return server.withDatabase(name);
  }

  public static synchronized DatabaseTarget server() {
    if (admin != null) {
      return admin;
    }
    try {
      boolean root = "root".equals(System.getProperty("user.name"));
      Path dir = Files.createTempDirectory("pg15-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      if (root) {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
      }
      Path data = dir.resolve("data");
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      run(
          root,
          List.of(
              BIN.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              "postgres",
              "--auth=trust",
              "--encoding=UTF8",
              "--locale=C",
              "--data-checksums"));
      run(
          root,
          List.of(
              BIN.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-w",
              "-t",
              "60",
              "-l",
              dir.resolve("log").toString(),
              "-o",
              "-p "
                  + port
                  + " -k "
                  + dir
                  + " -c listen_addresses=127.0.0.1 "
                  + "-c timezone=UTC -c max_connections=60 -c fsync=off",
              "start"));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      run(
                          root,
                          List.of(
                              BIN.resolve("pg_ctl").toString(),
                              "-D",
                              data.toString(),
                              "-m",
                              "immediate",
                              "-w",
                              "stop"));
                      new ProcessBuilder("rm", "-rf", dir.toString())
                          .start()
                          .waitFor(30, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                      // the JVM is exiting
                    }
                  }));
      admin = new DatabaseTarget("127.0.0.1", port, "postgres", "postgres", "", SslMode.DISABLE);
      return admin;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot start a PostgreSQL 15 cluster: " + e.getMessage(), e);
    }
  }

  private static void run(boolean root, List<String> command)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of(runuser(), "-u", "postgres", "--"));
    }
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  /** Runs statements as the superuser on {@code db}. */
  public static void exec(DatabaseTarget db, String... statements) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** runuser lives in /usr/sbin, which a non-login shell's PATH may lack. */
  private static String runuser() {
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "runuser"))) {
        return dir + "/runuser";
      }
    }
    return "runuser";
  }
}
