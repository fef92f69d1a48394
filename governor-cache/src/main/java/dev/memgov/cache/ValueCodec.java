package dev.memgov.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns a cache value into bytes and back: for the L2 store, for compression, and (through {@link
 * #sizeOf}) for weighing L1 entries by bytes.
 *
 * <p>Implementations must be thread-safe and stateless; the built-ins are.
 *
 * @param <V> the value type
 */
public interface ValueCodec<V> {

  /** The value's bytes; never null. */
  byte[] encode(V value);

  /**
   * The value back from bytes produced by {@link #encode}. May throw on bytes it does not
   * understand; the cache then counts a corrupt read and treats it as a miss.
   */
  V decode(byte[] bytes);

  /**
   * The encoded size in bytes, used to weigh L1 entries. The default encodes the value; codecs
   * that can tell the size more cheaply override it.
   */
  default long sizeOf(V value) {
    return encode(value).length;
  }

  /** The identity codec for {@code byte[]} values (stored as given, not copied). */
  static ValueCodec<byte[]> bytes() {
    return Codecs.BYTES;
  }

  /** UTF-8 strings. */
  static ValueCodec<String> utf8() {
    return Codecs.UTF8;
  }

  /**
   * A codec for a user type from two functions that may throw checked exceptions, e.g. Jackson's
   * {@code ObjectMapper}: {@code ValueCodec.of(json::writeValueAsBytes, b -> json.readValue(b,
   * User.class))}. What they throw reaches the caller unchecked: a {@code RuntimeException} as it
   * is, an {@code IOException} as an {@link UncheckedIOException}, any other checked exception as
   * a {@link CodecException}. A decoder's failure is a corrupt read to the cache (a counted miss);
   * an encoder's reaches the caller of {@code put} or {@code get} (nothing is cached).
   */
  static <V> ValueCodec<V> of(Encoder<? super V> encoder, Decoder<? extends V> decoder) {
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(decoder, "decoder");
    return new ValueCodec<>() {
      @Override
      public byte[] encode(V value) {
        byte[] b;
        try {
          b = encoder.encode(value);
        } catch (Exception e) {
          throw unchecked(e, "encoder");
        }
        if (b == null) {
          throw new IllegalStateException("memgov cache: the codec's encoder returned null for a value");
        }
        return b;
      }

      @Override
      public V decode(byte[] bytes) {
        try {
          return decoder.decode(bytes);
        } catch (Exception e) {
          throw unchecked(e, "decoder");
        }
      }
    };
  }

  /** What an {@link #of} codec's function threw, as the unchecked exception {@link #of} documents. */
  private static RuntimeException unchecked(Exception e, String function) {
    if (e instanceof RuntimeException) {
      return (RuntimeException) e;
    }
    String message = "memgov cache: the codec's " + function + " failed: " + e;
    return e instanceof IOException ? new UncheckedIOException(message, (IOException) e) : new CodecException(message, e);
  }

  /** A value to bytes, for {@link #of}; may throw (a JSON mapper's write does). */
  @FunctionalInterface
  interface Encoder<V> {
    byte[] encode(V value) throws Exception;
  }

  /** Bytes back to a value, for {@link #of}; may throw (a JSON mapper's read does). */
  @FunctionalInterface
  interface Decoder<V> {
    V decode(byte[] bytes) throws Exception;
  }

  /** A checked exception other than {@code IOException} thrown by an {@link #of} codec's function. */
  final class CodecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CodecException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

/** The built-in codecs. */
final class Codecs {
  private Codecs() {}

  static final ValueCodec<byte[]> BYTES =
      new ValueCodec<>() {
        @Override
        public byte[] encode(byte[] value) {
          return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
          return bytes;
        }

        @Override
        public long sizeOf(byte[] value) {
          return value.length;
        }

        @Override
        public String toString() {
          return "bytes";
        }
      };

  static final ValueCodec<String> UTF8 =
      new ValueCodec<>() {
        @Override
        public byte[] encode(String value) {
          return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
          return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The exact UTF-8 length without encoding. */
        @Override
        public long sizeOf(String s) {
          long n = 0;
          for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
              n += 1;
            } else if (c < 0x800) {
              n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
              n += 4;
              i++;
            } else if (Character.isSurrogate(c)) {
              n += 1; // a lone surrogate is encoded as '?'
            } else {
              n += 3;
            }
          }
          return n;
        }

        @Override
        public String toString() {
          return "utf8";
        }
      };
}
