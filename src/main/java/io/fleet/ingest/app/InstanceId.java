package io.fleet.ingest.app;

import java.net.InetAddress;
import java.util.Optional;

/** A replica's name in leases and logs: configured, or host name plus process id. */
final class InstanceId {
  private InstanceId() {}

  static String resolve(Optional<String> configured) {
    return configured.orElseGet(
        () -> {
          String host;
          try {
            host = InetAddress.getLocalHost().getHostName();
          } catch (Exception e) {
            host = "unknown-host";
          }
          return host
              + "-"
              + ProcessHandle.current().pid()
              + "-"
              + Long.toHexString(System.nanoTime() & 0xffffff);
        });
  }
}
