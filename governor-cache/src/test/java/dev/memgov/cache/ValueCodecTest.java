package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ValueCodecTest {

  @Test
  void bytesRoundTripsAsIs() {
    byte[] v = {0, 1, (byte) 0xFF, 42};
    ValueCodec<byte[]> c = ValueCodec.bytes();
    assertThat(c.decode(c.encode(v))).containsExactly(v);
    assertThat(c.sizeOf(v)).isEqualTo(4);
  }

  @Test
  void utf8RoundTripsAndSizesExactlyWithoutEncoding() {
    ValueCodec<String> c = ValueCodec.utf8();
    for (String s : new String[] {"", "ascii", "grüße", "日本語", "emoji 😀 and lone \uD800 surrogate"}) {
      assertThat(c.decode(c.encode(s))).isEqualTo(s.replace('\uD800', '?'));
      assertThat(c.sizeOf(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void ofBuildsACodecFromTwoFunctions() {
    ValueCodec<Integer> c = ValueCodec.of(i -> Integer.toString(i).getBytes(StandardCharsets.US_ASCII),
        b -> Integer.parseInt(new String(b, StandardCharsets.US_ASCII)));
    assertThat(c.decode(c.encode(12345))).isEqualTo(12345);
    assertThat(c.sizeOf(12345)).isEqualTo(5);
  }

  @Test
  void anEncoderReturningNullIsRejectedWithAMessage() {
    ValueCodec<String> c = ValueCodec.of(s -> null, b -> "x");
    assertThatThrownBy(() -> c.encode("a")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("encoder returned null");
  }
}
