package io.fleet.ingest.simulator;

/** A vendor error code the emulated method answers with. */
final class SimError extends RuntimeException {
  final String code;

  SimError(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
