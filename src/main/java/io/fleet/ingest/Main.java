package io.fleet.ingest;

import io.fleet.ingest.cli.ServeCommand;
import picocli.CommandLine;

/** Entry point: {@code java -jar tracksolid-ingest.jar [--demo]} serves; subcommands run tools. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new ServeCommand());
    System.exit(cli.execute(args));
  }
}
