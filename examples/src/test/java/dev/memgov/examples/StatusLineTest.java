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
        96 * MIB, 128 * MIB, false, 0.917, 2, 5, 10, 998, "standard (gc) 4s ago -40M");
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
        0, 128 * MIB, true, Double.NaN, 0, 1, 10, 0, "-");
    assertThat(StatusLine.render(f)).isEqualTo(
        "OFF       - ?% | heap after GC ?/256M | RSS ? | container ?/no limit | cache 0B/128M admission stopped ?% hit"
            + " | pool 0/1 max 10 | 0 req/s | cleanup -");
  }

  @Test
  void onAWideTerminalTheLineIsRedrawnInPlaceAndEventsGoAboveIt() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusLine line = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, () -> 300);
    line.show(figures("normal"));
    line.show(figures("warning"));
    line.event("memgov level NORMAL -> WARNING");
    String text = bytes.toString(StandardCharsets.UTF_8);
    String warning = StatusLine.render(figures("warning"));
    assertThat(text).startsWith(StatusLine.render(figures("normal")) + "\r\033[J" + warning + "\r\033[J");
    assertThat(text).matches("(?s).*\\d\\d:\\d\\d:\\d\\d memgov level NORMAL -> WARNING\n\\Q" + warning + "\\E");
    assertThat(text.chars().filter(c -> c == '\n').count()).isEqualTo(1);
  }

  @Test
  void onANarrowTerminalTheStatusIsTwoLinesThatDoNotWrapAndIsRedrawnAsABlock() {
    String status = StatusLine.render(figures("warning"));
    String[] lines = StatusLine.layout(status, 100);
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).isEqualTo("WARNING   heap 73% | heap after GC 188M/256M | RSS 310M | container 900M/1.0G");
    assertThat(lines[1]).startsWith("          cache 96M/128M 92% hit | pool 2/5 max 10 | 998 req/s").hasSizeLessThan(100);
    assertThat(StatusLine.layout(status, 60)).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(59));
    assertThat(StatusLine.layout(status, status.length() + 1)).containsExactly(status);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusLine line = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, () -> 100);
    line.show(figures("warning"));
    line.show(figures("warning"));
    // the second draw goes back to the block's first line and erases to the end of the screen
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(lines[0] + "\n" + lines[1] + "\r\033[1A\033[J" + lines[0] + "\n" + lines[1]);
  }

  @Test
  void offATerminalEachStatusIsAPlainTimeStampedLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StatusLine line = new StatusLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> 80);
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

  @Test
  void onATerminalLogLinesAreWrittenAboveTheStatusLine() {
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    StatusLine line = new StatusLine(new PrintStream(outBytes, true, StandardCharsets.UTF_8), true, () -> 300);
    line.show(figures("normal"));
    PrintStream err = line.around(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    err.println("[WARN] something");
    String status = StatusLine.render(figures("normal"));
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo("[WARN] something" + System.lineSeparator());
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEqualTo(status + "\r\033[J" + status);
  }
}
