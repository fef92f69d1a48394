package dev.memgov.core.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of /proc and cgroup file contents from the reused buffer. */
class ProcFileTest {
  @TempDir Path dir;

  private ProcFile file(String contents) throws IOException {
    Path p = dir.resolve("f" + System.nanoTime());
    Files.writeString(p, contents);
    ProcFile f = new ProcFile(p, 4096);
    assertThat(f.read()).isTrue();
    return f;
  }

  @Test
  void fieldsOfStatm() throws IOException {
    ProcFile f = file("765 425 396 5 0 123 0\n");
    assertThat(f.field(0)).isEqualTo(765);
    assertThat(f.field(1)).isEqualTo(425);
    assertThat(f.field(6)).isEqualTo(0);
    assertThat(f.field(7)).isEqualTo(-1);
  }

  @Test
  void keyedLinesMatchWholeKeysOnly() throws IOException {
    ProcFile f = file("inactive_anon 7\ninactive_file_x 8\ninactive_file 9\ntotal_inactive_file 10\n");
    assertThat(f.keyed(ProcFile.ascii("inactive_file"))).isEqualTo(9);
    assertThat(f.keyed(ProcFile.ascii("total_inactive_file"))).isEqualTo(10);
    assertThat(f.keyed(ProcFile.ascii("active_file"))).isEqualTo(-1);
  }

  @Test
  void hugeNumbersSaturateAndMaxIsRecognised() throws IOException {
    assertThat(file("9223372036854771712\n").firstLong()).isEqualTo(9223372036854771712L);
    assertThat(file("99999999999999999999999\n").firstLong()).isEqualTo(Long.MAX_VALUE);
    ProcFile max = file("max\n");
    assertThat(max.startsWith(ProcFile.ascii("max"))).isTrue();
    assertThat(max.firstLong()).isEqualTo(-1);
    assertThat(file("").firstLong()).isEqualTo(-1);
  }

  @Test
  void psiAvg10OfSomeAndFull() throws IOException {
    ProcFile f = file("some avg10=12.34 avg60=5.00 avg300=1.00 total=123\nfull avg10=0.07 avg60=0.00 avg300=0.00 total=9\n");
    assertThat(f.psiAvg10(ProcFile.ascii("some"))).isEqualTo(12.34, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(f.psiAvg10(ProcFile.ascii("full"))).isEqualTo(0.07, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(file("some avg60=1.00\n").psiAvg10(ProcFile.ascii("some"))).isNaN();
    assertThat(file("").psiAvg10(ProcFile.ascii("full"))).isNaN();
  }

  @Test
  void aRewrittenFileIsReadAfreshThroughTheSameChannel() throws IOException {
    Path p = dir.resolve("usage");
    Files.writeString(p, "1000\n");
    ProcFile f = new ProcFile(p, 64);
    assertThat(f.read()).isTrue();
    assertThat(f.firstLong()).isEqualTo(1000);
    Files.writeString(p, "20\n");
    assertThat(f.read()).isTrue();
    assertThat(f.firstLong()).isEqualTo(20);
    f.close();
  }

  @Test
  void aMissingFileFailsOnceWithAReasonUntilRetried() throws IOException {
    Path p = dir.resolve("later");
    ProcFile f = new ProcFile(p, 64);
    assertThat(f.read()).isFalse();
    assertThat(f.failure()).isEqualTo("no " + p);
    Files.writeString(p, "5\n");
    assertThat(f.read()).as("not retried before retry()").isFalse();
    f.retry();
    assertThat(f.read()).isTrue();
    assertThat(f.firstLong()).isEqualTo(5);
    assertThat(f.failure()).isNull();
  }
}
