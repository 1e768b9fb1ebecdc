package io.fleet.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root launcher's JDK search, run as a newcomer's shell would: no JAVA_HOME, a PATH whose java
 * is 17, and JDKs of several versions under a /usr/lib/jvm-style directory. The fake JDKs answer
 * -XshowSettings like real ones; the launcher only reads the specification version.
 */
class LauncherScriptTest {
  private static final Path LAUNCHER = Path.of("tracksolid-ingest").toAbsolutePath();

  record Result(int exit, String stdout, String stderr) {}

  @Test
  void picksTheNewestJdkOf21OrLaterWhenJavaOnThePathIs17(@TempDir Path dir) throws Exception {
    Path jvm = dir.resolve("jvm");
    fakeJdk(jvm.resolve("java-17-openjdk-amd64"), "17", true);
    fakeJdk(jvm.resolve("temurin-21-jdk"), "21", true);
    fakeJdk(jvm.resolve("temurin-25-jdk"), "25", true);
    fakeJdk(jvm.resolve("jre-26"), "26", false); // no javac: a runtime only, not a JDK
    fakeJdk(jvm.resolve("java-1.8.0"), "1.8", true);
    Path path17 = fakeJdk(dir.resolve("path-java"), "17", true).resolve("bin");

    Result r = run(dir, Map.of("TSI_JVM_DIRS", jvm.toString()), path17);

    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.stdout().strip()).isEqualTo(jvm.resolve("temurin-25-jdk").toString());
  }

  @Test
  void searchesEveryRootAndHonoursAJavaHomeOf21OrLater(@TempDir Path dir) throws Exception {
    Path jvm = dir.resolve("jvm");
    fakeJdk(jvm.resolve("temurin-21-jdk"), "21", true);
    Path sdkman = dir.resolve("sdkman");
    fakeJdk(sdkman.resolve("22.0.2-tem"), "22", true);
    Path path17 = fakeJdk(dir.resolve("path-java"), "17", true).resolve("bin");

    Result fromSdkman =
        run(
            dir,
            Map.of("TSI_JVM_DIRS", jvm.toString(), "TSI_SDKMAN_DIR", sdkman.toString()),
            path17);
    assertThat(fromSdkman.stdout().strip()).isEqualTo(sdkman.resolve("22.0.2-tem").toString());

    Path own = fakeJdk(dir.resolve("own-21"), "21", true);
    Result fromJavaHome =
        run(
            dir,
            Map.of(
                "TSI_JVM_DIRS",
                jvm.toString(),
                "TSI_SDKMAN_DIR",
                sdkman.toString(),
                "JAVA_HOME",
                own.toString()),
            path17);
    assertThat(fromJavaHome.stdout().strip()).isEqualTo(own.toString());

    Path old = fakeJdk(dir.resolve("old-17"), "17", true);
    Result oldJavaHome =
        run(dir, Map.of("TSI_JVM_DIRS", jvm.toString(), "JAVA_HOME", old.toString()), path17);
    assertThat(oldJavaHome.stdout().strip())
        .as("a JAVA_HOME below 21 is passed over")
        .isEqualTo(jvm.resolve("temurin-21-jdk").toString());
  }

  @Test
  void withoutAnyJdk21ItPrintsOneMessageSayingHowToInstallOne(@TempDir Path dir) throws Exception {
    Path jvm = dir.resolve("jvm");
    fakeJdk(jvm.resolve("java-17-openjdk-amd64"), "17", true);
    Path path17 = fakeJdk(dir.resolve("path-java"), "17", true).resolve("bin");

    Result r = run(dir, Map.of("TSI_JVM_DIRS", jvm.toString()), path17, "--demo");

    assertThat(r.exit()).isNotZero();
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr().strip().lines()).hasSize(1);
    assertThat(r.stderr())
        .contains("needs a JDK 21 or later")
        .contains("apt-get install openjdk-21-jdk-headless")
        .contains("JAVA_HOME");
  }

  /**
   * A directory that looks like a JDK of {@code version} to anyone asking its java for its
   * settings.
   */
  private static Path fakeJdk(Path home, String version, boolean withJavac) throws IOException {
    Path bin = Files.createDirectories(home.resolve("bin"));
    executable(
        bin.resolve("java"),
        """
        #!/bin/sh
        echo "Property settings:" >&2
        echo "    java.specification.version = %s" >&2
        echo "    java.vendor = Fake" >&2
        echo "openjdk version \\"%s\\"" >&2
        """
            .formatted(version, version));
    if (withJavac) {
      executable(bin.resolve("javac"), "#!/bin/sh\nexit 0\n");
    }
    return home;
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static Result run(Path dir, Map<String, String> env, Path javaBin, String... args)
      throws Exception {
    String arg = args.length == 0 ? "--java-home" : args[0];
    ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString(), arg);
    pb.environment().clear();
    pb.environment().put("HOME", dir.toString());
    pb.environment().put("PATH", javaBin + ":/usr/bin:/bin");
    pb.environment().put("TSI_SDKMAN_DIR", dir.resolve("no-sdkman").toString());
    pb.environment().put("TSI_MACOS_JAVA_HOME", dir.resolve("no-java_home").toString());
    pb.environment().putAll(env);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("launcher answers within 30 s").isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
