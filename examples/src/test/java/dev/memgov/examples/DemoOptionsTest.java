package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoOptionsTest {

  private static final long HEAP = 1L << 30;

  private static DemoOptions parse(String... args) throws DemoOptions.UsageException {
    return DemoOptions.parse(args, Map.of(), HEAP);
  }

  @Test
  void defaultsFollowTheMaxHeap() throws Exception {
    DemoOptions o = parse();
    assertThat(o.port).isEqualTo(8080);
    assertThat(o.governor).isTrue();
    assertThat(o.l1Budget).isEqualTo(HEAP / 2);
    assertThat(o.spikeBytes).isEqualTo(HEAP / 10);
    assertThat(o.valueMin).isEqualTo(512);
    assertThat(o.valueMax).isEqualTo(16 * 1024);
    assertThat(o.jdbcUrl).startsWith("jdbc:h2:mem:");
    assertThat(o.redisUri).isNull();
    assertThat(o.duration).isNull();
    assertThat(o.loadFor).isNull();
    assertThat(o.help).isFalse();
  }

  @Test
  void theDefaultSpikeIsCappedOnBigHeaps() throws Exception {
    assertThat(DemoOptions.parse(new String[0], Map.of(), 8L << 30).spikeBytes).isEqualTo(256L << 20);
    assertThat(DemoOptions.parse(new String[] {"--spike", "10%"}, Map.of(), 8L << 30).spikeBytes)
        .isEqualTo((8L << 30) / 10);
  }

  @Test
  void readsEveryFlagInBothForms() throws Exception {
    DemoOptions o = parse("--port", "0", "--no-governor", "--redis=redis://127.0.0.1:6380", "--jdbc-url",
        "jdbc:h2:mem:x", "--pool-size=3", "--rate", "0", "--threads", "2", "--keys", "50", "--value-size",
        "0.5k-2k", "--skew", "1.2", "--write-percent", "0", "--spike", "25%", "--spike-period", "2s",
        "--spike-hold", "500ms", "--duration", "1m", "--l1-budget", "64m", "--status-interval", "250ms",
        "--token", "0123456789abcdef", "--load-for", "20s", "--compress-when-cut");
    assertThat(o.port).isZero();
    assertThat(o.compressWhenCut).isTrue();
    assertThat(parse().compressWhenCut).isFalse();
    assertThat(o.governor).isFalse();
    assertThat(o.redisUri).isEqualTo("redis://127.0.0.1:6380");
    assertThat(o.jdbcUrl).isEqualTo("jdbc:h2:mem:x");
    assertThat(o.poolSize).isEqualTo(3);
    assertThat(o.rate).isZero();
    assertThat(o.threads).isEqualTo(2);
    assertThat(o.keys).isEqualTo(50);
    assertThat(o.valueMin).isEqualTo(512);
    assertThat(o.valueMax).isEqualTo(2048);
    assertThat(o.skew).isEqualTo(1.2);
    assertThat(o.writePercent).isZero();
    assertThat(o.spikeBytes).isEqualTo(HEAP / 4);
    assertThat(o.spikePeriod).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.spikeHold).isEqualTo(Duration.ofMillis(500));
    assertThat(o.duration).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.loadFor).isEqualTo(Duration.ofSeconds(20));
    assertThat(o.l1Budget).isEqualTo(64L << 20);
    assertThat(o.statusInterval).isEqualTo(Duration.ofMillis(250));
    assertThat(o.token).isEqualTo("0123456789abcdef");
  }

  @Test
  void redisComesFromTheEnvironmentUnlessTheFlagNamesOne() throws Exception {
    Map<String, String> env = Map.of("MEMGOV_REDIS_URI", "redis://10.0.0.1:6379");
    assertThat(DemoOptions.parse(new String[0], env, HEAP).redisUri).isEqualTo("redis://10.0.0.1:6379");
    assertThat(DemoOptions.parse(new String[] {"--redis", "redis://127.0.0.1:1"}, env, HEAP).redisUri)
        .isEqualTo("redis://127.0.0.1:1");
    assertThatThrownBy(() -> DemoOptions.parse(new String[0], Map.of("MEMGOV_REDIS_URI", "localhost:6379"), HEAP))
        .hasMessage("MEMGOV_REDIS_URI must be a redis:// or rediss:// URI (e.g. redis://127.0.0.1:6379),"
            + " but was 'localhost:6379'");
  }

  @Test
  void helpIsAFlagAndTheUsageListsEveryFlag() throws Exception {
    assertThat(parse("--help").help).isTrue();
    assertThat(parse("-h").help).isTrue();
    String usage = DemoOptions.usage();
    for (String flag : new String[] {"--port", "--no-governor", "--token", "--redis", "--jdbc-url", "--pool-size",
        "--rate", "--threads", "--keys", "--value-size", "--skew", "--write-percent", "--spike", "--spike-period",
        "--spike-hold", "--duration", "--load-for", "--l1-budget", "--compress-when-cut", "--status-interval", "--help",
        "MEMGOV_REDIS_URI"}) {
      assertThat(usage).contains(flag);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--prot 80|unknown flag '--prot'; see --help for the accepted flags",
    "8080|unexpected argument '8080': flags start with --; see --help",
    "--port|--port needs a value; see --help",
    "--port --rate 5|--port needs a value; see --help",
    "--port 70000|--port must be between 0 and 65535, but was 70000",
    "--port abc|--port must be a whole number between 0 and 65535, but was 'abc'",
    "--port 1 --port 2|--port was given twice; give each flag once",
    "--threads 0|--threads must be between 1 and 256, but was 0",
    "--skew 9|--skew must be a number between 0.0 and 5.0, but was '9'",
    "--value-size 16k-1k|--value-size must be sizes between 64 and 16m with MIN <= MAX, but was '16k-1k'",
    "--value-size big|--value-size must be MIN-MAX or one size (e.g. 0.5k-16k or 4k), but was 'big'",
    "--spike 150%|--spike must be a size (e.g. 256m) or a share of the max heap between 0% and 100%, but was '150%'",
    "--l1-budget 10k|--l1-budget must be at least 1m, but was '10k'",
    "--l1-budget 2g|--l1-budget must be at most the max heap (1.00 GiB), but was '2g'; raise -Xmx or give a share such as 50%",
    "--duration soon|--duration must be a duration such as 500ms, 5s, 2m, 1h or PT5S, but was 'soon'",
    "--load-for never|--load-for must be a duration such as 500ms, 5s, 2m, 1h or PT5S, but was 'never'",
    "--spike-hold 40s|--spike-hold must be shorter than --spike-period (30s), but was 40s",
    "--jdbc-url h2:mem:x|--jdbc-url must start with jdbc:, but was 'h2:mem:x'",
    "--redis http://x|--redis must be a redis:// or rediss:// URI (e.g. redis://127.0.0.1:6379), but was 'http://x'",
    "--no-governor=yes|--no-governor takes no value, but was given 'yes'",
    "--compress-when-cut=no|--compress-when-cut takes no value, but was given 'no'",
    "--token short|--token must be at least 16 characters without whitespace, but was 5 characters; generate one, e.g. openssl rand -hex 24",
  })
  void badFlagsSayWhatWasWrongAndWhatIsAccepted(String args, String message) {
    assertThatThrownBy(() -> parse(args.split(" ")))
        .isInstanceOf(DemoOptions.UsageException.class)
        .hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "--spike 64d|--spike must be a size (e.g. 256m) or a share of the max heap (e.g. 25%), but was '64d'",
    "--spike 10f%|--spike must be a size (e.g. 256m) or a share of the max heap between 0% and 100%, but was '10f%'",
    "--l1-budget 0x1p30|--l1-budget must be a size (e.g. 256m) or a share of the max heap (e.g. 25%), but was '0x1p30'",
    "--l1-budget 1e1%|--l1-budget must be a size (e.g. 256m) or a share of the max heap between 0% and 100%, but was '1e1%'",
    "--value-size 100f-200d|--value-size must be MIN-MAX or one size (e.g. 0.5k-16k or 4k), but was '100f-200d'",
    "--skew 1d|--skew must be a number between 0.0 and 5.0, but was '1d'",
    "--skew 0x1p0|--skew must be a number between 0.0 and 5.0, but was '0x1p0'",
  })
  void numbersInJavaLiteralFormsAreRefusedLikeAnyOtherBadNumber(String args, String message) {
    // Given a number Double.parseDouble reads but the help does not offer (a d or f suffix, hex)
    // When it is parsed, Then it is refused with the flag's message instead of being read as bytes or a share
    assertThatThrownBy(() -> parse(args.split(" ")))
        .isInstanceOf(DemoOptions.UsageException.class)
        .hasMessage(message);
  }

  @Test
  void plainDecimalsStillParse() throws Exception {
    // Given the forms the help offers, When parsed, Then they read as before
    DemoOptions o = parse("--spike", "0.5k", "--l1-budget", "12.5%", "--value-size", ".5k-16KiB", "--skew", "1.");
    assertThat(o.spikeBytes).isEqualTo(512);
    assertThat(o.l1Budget).isEqualTo(HEAP / 8);
    assertThat(o.valueMin).isEqualTo(512);
    assertThat(o.valueMax).isEqualTo(16 * 1024);
    assertThat(o.skew).isEqualTo(1.0);
  }
}
