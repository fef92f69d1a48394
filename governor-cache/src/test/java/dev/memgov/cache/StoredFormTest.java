package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StoredFormTest {

  private static byte[] json(int size) {
    return JsonLike.of(size, size).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void valuesAtTheThresholdAreCompressedAndRoundTrip() {
    byte[] v = json(4096);
    byte[] stored = StoredForm.write(v, 1024);
    assertThat(stored[1] & StoredForm.FLAG_LZ4).isEqualTo(StoredForm.FLAG_LZ4);
    assertThat(stored.length).isLessThan(v.length * 3 / 4);
    assertThat(StoredForm.read(stored)).containsExactly(v);
  }

  @Test
  void valuesBelowTheThresholdAreStoredPlainWithASixByteHeader() {
    byte[] v = json(1023);
    byte[] stored = StoredForm.write(v, 1024);
    assertThat(stored[1] & StoredForm.FLAG_LZ4).isZero();
    assertThat(stored).hasSize(v.length + 6);
    assertThat(StoredForm.read(stored)).containsExactly(v);
  }

  @Test
  void incompressibleValuesAreStoredPlain() {
    byte[] v = new byte[4096];
    new Random(1).nextBytes(v);
    byte[] stored = StoredForm.write(v, 1024);
    assertThat(stored[1] & StoredForm.FLAG_LZ4).isZero();
    assertThat(StoredForm.read(stored)).containsExactly(v);
  }

  @Test
  void storedFormIsWithinFivePercentOfRawLz4() {
    for (int size : new int[] {1024, 4096, 65536}) {
      byte[] v = json(size);
      int raw = Lz4.INSTANCE.compress(v).length;
      int stored = StoredForm.write(v, 1024).length;
      assertThat((double) stored / raw).as("stored/raw at %d", size).isLessThanOrEqualTo(1.05);
    }
  }

  @Test
  void aCompressedL1ValueKeepsItsBlock() {
    byte[] v = json(2048);
    Compressed c = new Compressed(Lz4.INSTANCE.compress(v), v.length);
    assertThat(StoredForm.read(StoredForm.write(c))).containsExactly(v);
    assertThat(c.inflate()).containsExactly(v);
  }

  @Test
  void foreignOrCorruptBytesAreRejected() {
    byte[] good = StoredForm.write(json(4096), 1024);
    assertThatThrownBy(() -> StoredForm.read("hello".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad magic");
    assertThatThrownBy(() -> StoredForm.read(new byte[] {(byte) 0xCA}))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] version = good.clone();
    version[1] = (byte) (2 << 4 | 1);
    assertThatThrownBy(() -> StoredForm.read(version)).hasMessageContaining("unknown memgov cache value format");
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    assertThatThrownBy(() -> StoredForm.read(truncated)).isInstanceOf(IllegalArgumentException.class);
    byte[] garbled = good.clone();
    for (int i = 6; i < garbled.length; i += 3) {
      garbled[i] = (byte) 0xFF;
    }
    assertThatThrownBy(() -> StoredForm.read(garbled)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checksum");
    byte[] plain = StoredForm.write(json(100), 1024);
    plain[50] ^= 1; // one flipped bit in an uncompressed value
    assertThatThrownBy(() -> StoredForm.read(plain)).hasMessageContaining("checksum");
    byte[] huge = {(byte) 0xCA, 0x11, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 1, 2, 3, 4, 5};
    assertThatThrownBy(() -> StoredForm.read(huge)).hasMessageContaining("claims");
  }
}
