package dev.memgov.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad builder values: an IllegalArgumentException naming the rule and the value, and the setting unchanged. */
class GovernedCacheBuilderTest {

  private static GovernedCacheBuilder<Integer, String> builder() {
    return GovernedCache.<Integer, String>builder("b", ValueCodec.utf8());
  }

  static Stream<Duration> durationsBeyondMillis() {
    // Duration.toMillis() overflows on each of these
    return Stream.of(ChronoUnit.FOREVER.getDuration(), Duration.ofSeconds(Long.MAX_VALUE),
        Duration.ofSeconds(Long.MIN_VALUE), Duration.ofMillis(Long.MAX_VALUE).plusMillis(1));
  }

  @ParameterizedTest
  @MethodSource("durationsBeyondMillis")
  void anL2TimeoutOrBackoffTooLongForMillisIsRefusedWithTheAcceptedRange(Duration d) {
    var b = builder();
    assertThatThrownBy(() -> b.l2Timeout(d)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("l2Timeout must be between 1 ms and 60 s, but was " + d);
    assertThatThrownBy(() -> b.l2Backoff(d)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("l2Backoff must be between 10 ms and 10 min, but was " + d);
    assertThat(b.l2Timeout).isEqualTo(Duration.ofMillis(100));
    assertThat(b.l2Backoff).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void theL2TimeoutAndBackoffBoundsStillHold() {
    var b = builder();
    assertThatThrownBy(() -> b.l2Timeout(Duration.ofNanos(999_999)))
        .hasMessage("l2Timeout must be between 1 ms and 60 s, but was PT0.000999999S");
    assertThatThrownBy(() -> b.l2Timeout(Duration.ofSeconds(60).plusNanos(1)))
        .hasMessage("l2Timeout must be between 1 ms and 60 s, but was PT1M0.000000001S");
    assertThatThrownBy(() -> b.l2Backoff(Duration.ofNanos(9_999_999)))
        .hasMessage("l2Backoff must be between 10 ms and 10 min, but was PT0.009999999S");
    assertThatThrownBy(() -> b.l2Backoff(Duration.ofMinutes(10).plusNanos(1)))
        .hasMessage("l2Backoff must be between 10 ms and 10 min, but was PT10M0.000000001S");
    b.l2Timeout(Duration.ofMillis(1)).l2Timeout(Duration.ofSeconds(60));
    b.l2Backoff(Duration.ofMillis(10)).l2Backoff(Duration.ofMinutes(10));
    assertThat(b.l2Timeout).isEqualTo(Duration.ofSeconds(60));
    assertThat(b.l2Backoff).isEqualTo(Duration.ofMinutes(10));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"redis://127.0.0.1:1,127.0.0.1:2",
      "rediss://127.0.0.1:1,127.0.0.1:2/0"})
  void aStandaloneUriWithSeveralHostsIsRefusedByBuildNotTakenForOneHostNamedSo(String uri) {
    // Given a host list where the scheme takes one host (Lettuce reads "127.0.0.1:1,127.0.0.1:2" as a host name)
    var b = builder().redis(uri);

    // Then build() refuses it, naming the schemes that take several hosts, instead of a cache whose L2 never connects
    assertThatThrownBy(b::build).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("memgov cache 'b': redis must be one of ")
        .hasMessageContaining("but was '" + uri + "'")
        .hasMessageContaining("several hosts need redis-sentinel:// or redis-cluster://");
  }

  static Stream<Arguments> nulls() {
    return Stream.of(
        nullTo("loader", b -> b.loader(null), b -> b.loader,
            "loader must be a function; for no read-through set no loader; but was null"),
        nullTo("keyEncoder", b -> b.keyEncoder(null), b -> b.keyEncoder,
            "keyEncoder must be a function; for the default, String.valueOf, set none; but was null"),
        nullTo("weigher", b -> b.weigher(null), b -> b.weigher,
            "weigher must be a function; for the default, the codec's sizeOf, set none; but was null"),
        nullTo("ticker", b -> b.ticker(null), b -> b.ticker,
            "ticker must be a Ticker; for the default, the system ticker, set none; but was null"),
        nullTo("restoreCeilingHold", b -> b.restoreCeilingHold(null), b -> b.restoreCeilingHold,
            "restoreCeilingHold must be between 0 and 1 day, but was null"),
        nullTo("l2Timeout", b -> b.l2Timeout(null), b -> b.l2Timeout,
            "l2Timeout must be between 1 ms and 60 s, but was null"),
        nullTo("l2Backoff", b -> b.l2Backoff(null), b -> b.l2Backoff,
            "l2Backoff must be between 10 ms and 10 min, but was null"));
  }

  private static Arguments nullTo(String setting, Consumer<GovernedCacheBuilder<Integer, String>> set,
      Function<GovernedCacheBuilder<Integer, String>, Object> get, String message) {
    return Arguments.of(setting, set, get, message);
  }

  @Test
  void aNullCodecIsRefusedWithTheRuleAndTheValue() {
    assertThatThrownBy(() -> GovernedCache.<Integer, String>builder("b", null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("codec must be a ValueCodec (ValueCodec.bytes(), utf8() or of(encoder, decoder)), but was null");
  }

  @ParameterizedTest(name = "{0}(null)")
  @MethodSource("nulls")
  void aNullSettingIsRefusedWithTheRuleAndTheValueAndChangesNothing(String setting,
      Consumer<GovernedCacheBuilder<Integer, String>> set, Function<GovernedCacheBuilder<Integer, String>, Object> get,
      String message) {
    var b = builder();
    Object before = get.apply(b);
    assertThatThrownBy(() -> set.accept(b)).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage(message);
    assertThat(get.apply(b)).isSameAs(before);
  }
}
