package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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

  /** The shape of Jackson's ObjectMapper: both directions declare checked exceptions. */
  static final class Mapper {
    byte[] writeValueAsBytes(Object value) throws IOException {
      if (value == null) {
        throw new IOException("no value");
      }
      return ("\"" + value + "\"").getBytes(StandardCharsets.UTF_8);
    }

    <T> T readValue(byte[] bytes, Class<T> type) throws IOException {
      String s = new String(bytes, StandardCharsets.UTF_8);
      if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
        throw new IOException("not a JSON string: " + s);
      }
      return type.cast(s.substring(1, s.length() - 1));
    }
  }

  @Test
  void ofTakesAJsonMappersMethodsThatThrowCheckedExceptions() {
    Mapper json = new Mapper();
    ValueCodec<String> c = ValueCodec.of(json::writeValueAsBytes, b -> json.readValue(b, String.class));
    assertThat(c.decode(c.encode("user 42"))).isEqualTo("user 42");
    assertThat(c.encode("x")).isEqualTo("\"x\"".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> c.decode("{}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("decoder failed")
        .hasCauseInstanceOf(IOException.class)
        .hasRootCauseMessage("not a JSON string: {}");
    assertThatThrownBy(() -> c.encode(null)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("encoder failed").hasRootCauseMessage("no value");
  }

  @Test
  void otherCheckedExceptionsBecomeCodecExceptionsAndUncheckedOnesPassAsTheyAre() {
    IllegalArgumentException runtime = new IllegalArgumentException("bad value");
    ValueCodec<String> c = ValueCodec.of(v -> {
      throw new GeneralSecurityException("no key");
    }, b -> {
      throw runtime;
    });
    assertThatThrownBy(() -> c.encode("a")).isInstanceOf(ValueCodec.CodecException.class)
        .hasCauseInstanceOf(GeneralSecurityException.class).hasMessageContaining("no key");
    assertThatThrownBy(() -> c.decode(new byte[1])).isSameAs(runtime);
  }
}
