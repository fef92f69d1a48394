package dev.memgov.core;

/**
 * A pressure level change, as kept in the history. This record is immutable and thread-safe.
 *
 * @param timestampMillis when, epoch milliseconds
 * @param from the level before
 * @param to the level after
 * @param governing the signal that governed
 * @param ratio the governing ratio at the change
 */
public record LevelChange(long timestampMillis, PressureLevel from, PressureLevel to, Signal governing, double ratio) {}
