package dev.memgov.benchmarks.cache;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a loaded value's L2 write costs, per command, against a real Redis: the plain {@code SET NX
 * PX} a load sent before tombstones, against the cache's conditional write (its one-key Lua
 * script, {@code EVAL}) on an absent key and on a key holding a tombstone. Side by side in one run:
 * rounds of 1000 writes of each kind, interleaved, on fresh keys, 4 KiB JSON-like values in their
 * stored form; prints the median and p99 round trip of each and the ratio of medians.
 *
 * <p>Run (a redis-server on the URI's port): {@code java -cp benchmarks/target/benchmarks.jar
 * dev.memgov.benchmarks.cache.L2WriteCost redis://127.0.0.1:6399 [rounds]}.
 */
public final class L2WriteCost {
  private static final int PER_ROUND = 1000;

  private L2WriteCost() {}

  public static void main(String[] args) throws Exception {
    String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Class<?> tier = Class.forName("dev.memgov.cache.RedisTier");
    Field scriptField = tier.getDeclaredField("SET_IF_UNCHANGED");
    scriptField.setAccessible(true);
    byte[] script = (byte[]) scriptField.get(null);
    Class<?> sf = Class.forName("dev.memgov.cache.StoredForm");
    Method write = sf.getDeclaredMethod("write", byte[].class, int.class);
    write.setAccessible(true);
    Method tombstone = sf.getDeclaredMethod("tombstone");
    tombstone.setAccessible(true);
    byte[] value = (byte[]) write.invoke(null, JsonValues.bytes(4096, 42), 1024);
    byte[] ttl = "600000".getBytes(StandardCharsets.US_ASCII);
    byte[] absent = new byte[0];

    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, byte[]> conn =
        client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
      RedisCommands<String, byte[]> c = conn.sync();
      c.flushdb();
      long[] setNx = new long[rounds * PER_ROUND];
      long[] evalAbsent = new long[rounds * PER_ROUND];
      long[] evalTomb = new long[rounds * PER_ROUND];
      int n = 0;
      for (int r = -2; r < rounds; r++) { // two warm-up rounds
        boolean measure = r >= 0;
        for (int i = 0; i < PER_ROUND; i++) {
          String k = "l2w:" + r + ":" + i;
          long t0 = System.nanoTime();
          c.set(k + ":nx", value, SetArgs.Builder.nx().px(600_000));
          long t1 = System.nanoTime();
          c.eval(script, ScriptOutputType.STATUS, new String[] {k + ":ev"}, value, absent, ttl);
          long t2 = System.nanoTime();
          byte[] t = (byte[]) tombstone.invoke(null);
          c.set(k + ":tb", t, SetArgs.Builder.px(600_000)); // an invalidation, not timed
          long t3 = System.nanoTime();
          Object ok = c.eval(script, ScriptOutputType.STATUS, new String[] {k + ":tb"}, value, t, ttl);
          long t4 = System.nanoTime();
          if (!"OK".equals(ok)) {
            throw new IllegalStateException("the script did not replace its tombstone: " + ok);
          }
          if (measure) {
            setNx[n] = t1 - t0;
            evalAbsent[n] = t2 - t1;
            evalTomb[n] = t4 - t3;
            n++;
          }
        }
      }
      c.flushdb();
      System.out.printf("redis %s, %d writes each, 4 KiB JSON values (%d B stored), µs per write%n",
          c.info("server").lines().filter(l -> l.startsWith("redis_version")).findFirst().orElse("?"), n,
          value.length);
      report("SET NX PX (before)", setNx);
      report("EVAL, key absent", evalAbsent);
      report("EVAL, over a tombstone", evalTomb);
      System.out.printf("median ratio EVAL absent / SET NX: %.2f; over a tombstone / SET NX: %.2f%n",
          median(evalAbsent) / median(setNx), median(evalTomb) / median(setNx));
    } finally {
      client.shutdown();
    }
  }

  private static void report(String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf("%-26s median %7.1f  p99 %7.1f%n", what, s[s.length / 2] / 1e3, s[(int) (s.length * 0.99)] / 1e3);
  }

  private static double median(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
