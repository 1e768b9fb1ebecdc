package io.fleet.ingest.simulator;

/**
 * How one served row was broken: {@code kind} applied to {@code field} ({@code keyField} when it is
 * part of the row's natural key, so the row may no longer be found by that key); {@code detail}
 * says what was served there (the number, the text, where the character went, the length).
 */
public record Mutation(Kind kind, String field, boolean keyField, String detail) {
  public enum Kind {
    /** 64 Ki characters and more, drawn at random (incompressible), non-ASCII among them. */
    OVERSIZED_STRING,
    /** A JSON integer just past 32 bits: 2147483648, 4294967296 or 4294967297. */
    INTEGER_BEYOND_32_BITS,
    /** A JSON integer past 64 bits, such as 9223372036854775808123. */
    INTEGER_BEYOND_64_BITS,
    /** The field's text with a NUL (U+0000) inserted. */
    NUL_CHARACTER,
    /** The field's text with an unpaired UTF-16 surrogate inserted (escaped as \\uXXXX). */
    LONE_SURROGATE,
    /** A JSON number where the vendor sends text (a time as epoch milliseconds, an IMEI ...). */
    NUMBER_FOR_STRING,
    /** Text that is no number ("N/A", "12,5", "1e999" ...) where a number is expected. */
    STRING_FOR_NUMBER,
    /** The field left out. */
    MISSING_KEY
  }
}
