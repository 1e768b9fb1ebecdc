package io.fleet.ingest;

import io.fleet.ingest.cli.ServeCommand;
import java.io.Console;
import java.util.Locale;
import picocli.CommandLine;

/** Entry point: {@code java -jar tracksolid-ingest.jar [--demo]} serves; subcommands run tools. */
public final class Main {
  /** System property logback.xml reads to pick its appender (json or text). */
  static final String LOG_FORMAT_PROPERTY = "tsi.log.format";

  private Main() {}

  public static void main(String[] args) {
    // Before anything touches a logger: logback reads the property once, at initialisation.
    System.setProperty(
        LOG_FORMAT_PROPERTY, logFormat(System.getenv("LOG_FORMAT"), isTerminal(System.console())));
    CommandLine cli = new CommandLine(new ServeCommand());
    System.exit(cli.execute(args));
  }

  /**
   * LOG_FORMAT json or text as given; unset or auto: text for a person at a terminal, JSON for a
   * collector reading a pipe or file. An invalid value logs JSON; the configuration then names it.
   */
  static String logFormat(String configured, boolean terminal) {
    String value = configured == null ? "" : configured.trim().toLowerCase(Locale.ROOT);
    if (value.equals("json") || value.equals("text")) {
      return value;
    }
    return value.isEmpty() || value.equals("auto") ? (terminal ? "text" : "json") : "json";
  }

  /**
   * JDK 22+ always has a console object and says through isTerminal(); on 21 it is null when
   * redirected.
   */
  static boolean isTerminal(Console console) {
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException onJdk21) {
      return true;
    }
  }
}
