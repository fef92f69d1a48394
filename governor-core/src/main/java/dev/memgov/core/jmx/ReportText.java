package dev.memgov.core.jmx;

import dev.memgov.core.CleanupReport;
import java.util.Locale;

/** A cleanup report as plain text for JMX consoles. Stateless and thread-safe. */
final class ReportText {
  private ReportText() {}

  static String format(CleanupReport r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "cleanup #%d %s (%s) at %s: target %d bytes, reclaimed %d bytes in %.1f ms%n",
        r.id(), r.level().wireName(), r.trigger().name().toLowerCase(Locale.ROOT), r.pressureBefore().level(),
        r.targetBytes(), r.reclaimedBytes(), r.durationNanos() / 1e6));
    for (CleanupReport.GovernableOutcome o : r.outcomes()) {
      sb.append(String.format(Locale.ROOT, "  %s (%s): %d -> %d bytes, budget %d -> %d, target %d: %s%s%n",
          o.name(), o.kind(), o.bytesBefore(), o.bytesAfter(), o.budgetBefore(), o.budgetAfter(), o.targetBytes(),
          o.action(), o.error() == null ? "" : " [error: " + o.error() + "]"));
    }
    return sb.toString().trim();
  }
}
