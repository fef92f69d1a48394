package dev.memgov.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which Host header values name a loopback host: what the API answers without a token. */
class LoopbackHostTest {

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "LOCALHOST", "localhost:9400", "app.localhost", "a-b.c.localhost:1",
      "127.0.0.1", "127.0.0.1:9400", "127.255.255.255", "127.1.2.3:65535", " 127.0.0.1 ", "[::1]", "[::1]:9400",
      "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]:80"})
  void loopbackNamesAreAccepted(String host) {
    assertThat(MemoryApiHandler.isLoopbackHost(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rebind.attacker.example", "localhost.attacker.example", "127.0.0.1.nip.io",
      "attacker.example:9400", "10.0.0.1", "0.0.0.0", "128.0.0.1", "127.0.0.256", "127.1", "0x7f.0.0.1",
      "localhost:", "localhost:99999", "localhost:80x", "-x.localhost", "evil_.localhost", "localhost.",
      "[::2]", "[::]", "[::1", "::1", "[::1]x", "[fe80::1%25eth0]", "[localhost]", "", "127.0.0.1:9400:1"})
  void otherNamesAreRefused(String host) {
    assertThat(MemoryApiHandler.isLoopbackHost(host)).isFalse();
  }
}
