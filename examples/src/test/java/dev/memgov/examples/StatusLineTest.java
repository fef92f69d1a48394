package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatusLineTest {

  private static final long MIB = 1L << 20;

  private static StatusLine.Figures figures(String level) {
    return new StatusLine.Figures(level, "heap", 0.734, 188 * MIB, 256 * MIB, 310 * MIB, 900 * MIB, 1024 * MIB,
        96 * MIB, 128 * MIB, 0.917, 2, 5, 10, 998, "standard (gc) 4s ago -40M");
  }

  @Test
  void rendersEveryFigure() {
    assertThat(StatusLine.render(figures("warning"))).isEqualTo(
        "WARNING   heap 73% | heap after GC 188M/256M | RSS 310M | container 900M/1.0G | cache 96M/128M 92% hit"
            + " | pool 2/5 max 10 | 998 req/s | cleanup standard (gc) 4s ago -40M");
  }

  @Test
  void unknownFiguresShowAsQuestionMarks() {
    StatusLine.Figures f = new StatusLine.Figures("off", "-", Double.NaN, -1, 256 * MIB, -1, -1, Long.MAX_VALUE,
        0, 128 * MIB, Double.NaN, 0, 1, 10, 0, "-");
    assertThat(StatusLine.render(f)).isEqualTo(
        "OFF       - ?% | heap after GC ?/256M | RSS ? | container ?/no limit | cache 0B/128M ?% hit"
            + " | pool 0/1 max 10 | 0 req/s | cleanup -");
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlaceAndEventsGoAboveIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusLine line = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
    line.show(figures("normal"));
    line.show(figures("warning"));
    line.event("memgov level NORMAL -> WARNING");
    String text = bytes.toString(StandardCharsets.UTF_8);
    String warning = StatusLine.render(figures("warning"));
    assertThat(text).startsWith("\r\033[K" + StatusLine.render(figures("normal")) + "\r\033[K" + warning + "\r\033[K");
    assertThat(text).matches("(?s).*\\d\\d:\\d\\d:\\d\\d memgov level NORMAL -> WARNING\n\\Q" + warning + "\\E");
    assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
  }

  @Test
  void offATerminalEachStatusIsAPlainTimeStampedLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusLine line = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    line.show(figures("normal"));
    line.event("memgov cleanup light");
    line.show(figures("warning"));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).matches("\\d\\d:\\d\\d:\\d\\d NORMAL .*");
    assertThat(lines[1]).matches("\\d\\d:\\d\\d:\\d\\d memgov cleanup light");
    assertThat(lines[2]).matches("\\d\\d:\\d\\d:\\d\\d WARNING .*");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("\r").doesNotContain("\033");
  }
}
