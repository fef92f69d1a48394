package dev.memgov.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupRefusedException;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.ClearResult;
import dev.memgov.core.GovernorStatus;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.Trigger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code /api/memory} API, free of any transport: a {@link Request} (method, path, raw query,
 * headers, body) goes in, a {@link Response} (status, headers, body) comes out. {@link
 * MemoryApiServer} (JDK {@code HttpServer}) and {@link MemoryApiServlet} (Jakarta Servlet) are thin
 * adapters over it, so every binding behaves the same; another server can be bound the same way.
 *
 * <p>Endpoints (every GET one also answers HEAD, without a body): {@code GET /api/memory}, {@code POST /api/memory/optimize}, {@code DELETE
 * /api/memory/cache?target=}, {@code GET /api/memory/history?since=}, {@code GET /api/health},
 * {@code GET /api/simple-health}, and a small page at {@code GET /api/memory/dashboard} that
 * polls {@code /api/memory}. Every rejected call gets a JSON {@code {"error", "message",
 * "accepted"}} and changes nothing. Without a token, every call but the health endpoints and the
 * page must name a loopback host in its {@code Host} header (see {@link
 * Builder#allowAnyHostWithoutToken}). See {@code docs/api.md}.
 *
 * <p>This class is immutable and thread-safe; concurrent cleanups are serialized by the governor.
 */
public final class MemoryApiHandler {

  /** The smallest and largest body limit the builder accepts. */
  static final int MIN_BODY_LIMIT = 64;

  static final int MAX_BODY_LIMIT = 1 << 20;

  static final String JSON = "application/json; charset=utf-8";

  /** What a 503 governor_not_running accepts. */
  private static final List<String> RUNNING = List.of("a started governor (MemoryGovernor.start(), not yet closed)");

  private static final List<String> LEVELS =
      Arrays.stream(CleanupLevel.values()).map(CleanupLevel::wireName).toList();

  /** Path to allowed method; every path answers exactly one method. */
  static final Map<String, String> ROUTES = routes();

  private static Map<String, String> routes() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("/api/memory", "GET");
    m.put("/api/memory/optimize", "POST");
    m.put("/api/memory/cache", "DELETE");
    m.put("/api/memory/history", "GET");
    m.put("/api/health", "GET");
    m.put("/api/simple-health", "GET");
    m.put("/api/memory/dashboard", "GET");
    return Map.copyOf(m);
  }

  private static final List<String> PATHS = List.of(
      "GET /api/memory", "POST /api/memory/optimize", "DELETE /api/memory/cache",
      "GET /api/memory/history", "GET /api/health", "GET /api/simple-health", "GET /api/memory/dashboard");

  private static final byte[] DASHBOARD = loadDashboard();

  /** What a Host header must name when no token is configured. */
  static final List<String> LOOPBACK_HOSTS = List.of("localhost", "*.localhost", "127.0.0.0/8", "[::1]");

  private static final Pattern PORT = Pattern.compile(":[0-9]{1,5}");
  private static final Pattern LOCALHOST = Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)*localhost");
  private static final Pattern IPV4_127 = Pattern.compile("127\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
  private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private static byte[] loadDashboard() {
    try (InputStream in = MemoryApiHandler.class.getResourceAsStream("dashboard.html")) {
      if (in == null) {
        throw new IllegalStateException("memgov http: dashboard.html is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final MemoryGovernor governor;
  private final byte[] tokenDigest;
  private final boolean protectReads;
  private final boolean loopbackHostOnly;
  private final int maxBodyBytes;
  private final ObjectMapper mapper;

  private MemoryApiHandler(Builder b) {
    this.governor = b.governor;
    this.tokenDigest = b.token == null ? null : sha256(b.token);
    this.protectReads = b.protectReads;
    this.loopbackHostOnly = b.token == null && !b.anyHostWithoutToken;
    this.maxBodyBytes = b.maxBodyBytes;
    this.mapper = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /** A builder for a handler over {@code governor}; no token by default. */
  public static Builder builder(MemoryGovernor governor) {
    return new Builder(governor);
  }

  /** The largest request body accepted, bytes; a binding reads at most one byte more. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Whether a bearer token is configured. */
  boolean hasToken() {
    return tokenDigest != null;
  }

  /** Whether calls other than health and the dashboard page must name a loopback host (no token). */
  boolean loopbackHostOnly() {
    return loopbackHostOnly;
  }

  /**
   * Answers one call. Never throws: every failure, including an unexpected one, becomes a JSON
   * error response.
   */
  public Response handle(Request request) {
    Response response;
    try {
      response = route(request);
    } catch (ApiError e) {
      response = error(e);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // LinkageError, AssertionError: a governable's getter failing (an optional class missing);
      // the caller still gets an answer, never a dropped connection
      response = error(new ApiError(500, "internal_error",
          "the call failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), List.of()));
    }
    return request.method().equals("HEAD") ? withoutBody(response) : response;
  }

  /**
   * The answer to a HEAD: status and headers as for GET, no body, and a {@code Content-Length}
   * header giving the length the GET body would have (a binding sends it as is).
   */
  private static Response withoutBody(Response r) {
    Map<String, String> h = new LinkedHashMap<>(r.headers());
    h.put("Content-Length", Integer.toString(r.body().length));
    return new Response(r.status(), h, new byte[0]);
  }

  private Response route(Request r) {
    String allowed = ROUTES.get(r.path());
    if (allowed == null) {
      throw new ApiError(404, "not_found", "no endpoint at path '" + r.path() + "'", PATHS);
    }
    // HEAD is answered like GET wherever GET is (load balancers check health with HEAD); handle()
    // then drops the body
    boolean head = r.method().equals("HEAD") && allowed.equals("GET");
    if (!allowed.equals(r.method()) && !head) {
      String allow = allowed.equals("GET") ? "GET, HEAD" : allowed;
      throw new ApiError(405, "method_not_allowed",
          r.path() + " accepts " + allow + ", but the method was " + r.method(),
          allowed.equals("GET") ? List.of("GET", "HEAD") : List.of(allowed), Map.of("Allow", allow));
    }
    // the health endpoints stay open for load balancers; the dashboard page holds no data
    boolean health = r.path().equals("/api/health") || r.path().equals("/api/simple-health")
        || r.path().equals("/api/memory/dashboard");
    if (!allowed.equals("GET") || (protectReads && !health)) {
      authorize(r);
    }
    if (loopbackHostOnly && !health) {
      checkHost(r);
    }
    checkContentLength(r);
    if (r.body().length > maxBodyBytes) {
      throw tooLarge(r.body().length, false);
    }
    Map<String, String> query = parseQuery(r.query());
    switch (r.path()) {
      case "/api/memory":
        params(query, Set.of());
        noBody(r);
        return json(200, JsonViews.status(governor.status()));
      case "/api/memory/optimize":
        params(query, Set.of());
        return optimize(r);
      case "/api/memory/cache":
        params(query, Set.of("target"));
        noBody(r);
        return clear(query.get("target"));
      case "/api/memory/history":
        params(query, Set.of("since"));
        noBody(r);
        long since = parseSince(query.get("since"));
        return json(200, JsonViews.history(since, governor.history(since)));
      case "/api/memory/dashboard": {
        params(query, Set.of());
        noBody(r);
        Map<String, String> h = textHeaders();
        h.put("Content-Type", "text/html; charset=utf-8");
        h.put("Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
        return new Response(200, h, DASHBOARD.clone());
      }
      case "/api/health": {
        params(query, Set.of());
        noBody(r);
        GovernorStatus st = governor.status();
        return json(JsonViews.pressure(st).level() == PressureLevel.EMERGENCY ? 503 : 200, JsonViews.health(st));
      }
      default: {
        params(query, Set.of());
        noBody(r);
        boolean emergency = JsonViews.pressure(governor.status()).level() == PressureLevel.EMERGENCY;
        return new Response(emergency ? 503 : 200, textHeaders(),
            (emergency ? "emergency" : "ok").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  // ---------------------------------------------------------------- endpoints

  private Response optimize(Request r) {
    String ct = r.header("Content-Type");
    if (!isJson(ct)) {
      throw new ApiError(415, "unsupported_media_type",
          "Content-Type must be application/json (charset utf-8 if given), but was "
              + (ct == null ? "missing" : "'" + ct + "'"),
          List.of("application/json", "application/json; charset=utf-8"));
    }
    if (r.body().length == 0) {
      throw new ApiError(400, "missing_body",
          "the body must be a JSON object with \"level\", but was empty",
          List.of("{\"level\":\"" + String.join("|", LEVELS) + "\",\"force\":false}"));
    }
    JsonNode node;
    try {
      node = mapper.readTree(r.body());
    } catch (JsonProcessingException e) {
      throw new ApiError(400, "bad_json", "the body is not valid JSON: " + e.getOriginalMessage(),
          List.of("{\"level\":\"" + String.join("|", LEVELS) + "\",\"force\":false}"));
    } catch (IOException e) {
      throw new ApiError(400, "bad_json", "the body could not be read: " + e.getMessage(),
          List.of("{\"level\":\"" + String.join("|", LEVELS) + "\",\"force\":false}"));
    }
    if (node == null || !node.isObject()) {
      throw new ApiError(400, "bad_json",
          "the body must be a JSON object, but was " + (node == null ? "empty" : node.getNodeType().name().toLowerCase(Locale.ROOT)),
          List.of("{\"level\":\"" + String.join("|", LEVELS) + "\",\"force\":false}"));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("level") && !f.equals("force")) {
        throw new ApiError(400, "unknown_field",
            "the body may hold only \"level\" and \"force\", but had \"" + f + "\"", List.of("level", "force"));
      }
    }
    JsonNode lv = node.get("level");
    if (lv == null || lv.isNull()) {
      throw new ApiError(400, "missing_field", "\"level\" is required, but was missing", LEVELS);
    }
    if (!lv.isTextual()) {
      throw new ApiError(400, "unknown_level",
          "\"level\" must be a string, one of " + CleanupLevel.accepted() + ", but was " + lv, LEVELS);
    }
    CleanupLevel level = parseLevel(lv.textValue());
    JsonNode fv = node.get("force");
    boolean force = false;
    if (fv != null) {
      if (!fv.isBoolean()) { // null too: leave "force" out for false
        throw new ApiError(400, "bad_force", "\"force\" must be true or false, but was " + fv, List.of("true", "false"));
      }
      force = fv.booleanValue();
    }
    CleanupReport report;
    try {
      report = governor.optimize(level, force, Trigger.HTTP);
    } catch (CleanupRefusedException e) {
      long ms = Math.max(1, e.retryAfter().toMillis());
      long seconds = Math.max(1, (ms + 999) / 1000);
      ObjectNode body = JsonViews.error(new ApiError(429, "cooldown", stripPrefix(e.getMessage()), List.of("force=true")));
      body.put("retryAfterMillis", ms);
      Map<String, String> h = jsonHeaders();
      h.put("Retry-After", Long.toString(seconds));
      return new Response(429, h, JsonViews.write(mapper, body));
    } catch (IllegalStateException e) {
      throw notRunning(e);
    }
    JsonViews.Unknowns u = new JsonViews.Unknowns();
    ObjectNode body = JsonViews.report(report, "", u); // the report's fields are the body's
    body.put("forced", force);
    body.set("unknown", u.toJson());
    return json(200, body);
  }

  private static CleanupLevel parseLevel(String text) {
    // as everywhere in memgov (JMX, properties): case and surrounding blanks do not matter
    try {
      return CleanupLevel.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "unknown_level", "\"level\": " + e.getMessage(), LEVELS);
    }
  }

  private Response clear(String target) {
    if (target == null || target.isBlank()) {
      throw new ApiError(400, "missing_parameter",
          "query parameter 'target' is required, but was " + (target == null ? "missing" : "empty"),
          governor.cacheTargets());
    }
    List<String> targets = governor.cacheTargets();
    // as the core (and JMX) accept: the tiers all|l1|l2 in any case, cache names exactly
    String tier = target.trim().toLowerCase(Locale.ROOT);
    boolean isTier = tier.equals("all") || tier.equals("l1") || tier.equals("l2");
    if (!isTier && !targets.contains(target)) {
      throw new ApiError(404, "unknown_target",
          "cache target must be one of " + String.join("|", targets) + ", but was '" + target + "'", targets);
    }
    // the core clears on the caller's thread when the governor is not running; the API, as for
    // optimize, answers 503 then and clears nothing
    if (!governor.isRunning()) {
      throw new ApiError(503, "governor_not_running",
          "the governor is not running (not started, or closed), so no cache was cleared; start the governor first",
          RUNNING);
    }
    List<ClearResult> results;
    try {
      results = governor.clearCache(target);
    } catch (IllegalArgumentException e) {
      throw new ApiError(404, "unknown_target", stripPrefix(e.getMessage()), governor.cacheTargets());
    } catch (IllegalStateException e) {
      throw notRunning(e);
    }
    return json(200, JsonViews.cleared(target, results));
  }

  private static long parseSince(String v) {
    if (v == null) {
      return 0;
    }
    try {
      long since = Long.parseLong(v);
      if (since >= 0) {
        return since;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ApiError(400, "bad_parameter",
        "query parameter 'since' must be epoch milliseconds, a whole number >= 0, but was '" + v + "'",
        List.of("0", "<epoch milliseconds>"));
  }

  // ---------------------------------------------------------------- checks

  private void authorize(Request r) {
    if (tokenDigest == null) {
      return;
    }
    String h = r.header("Authorization");
    Map<String, String> challenge = Map.of("WWW-Authenticate", "Bearer realm=\"memgov\"");
    if (h == null || h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiError(401, "unauthorized",
          "this call needs 'Authorization: Bearer <token>', but " + (h == null ? "none was sent" : "the header is not a bearer token"),
          List.of("Authorization: Bearer <token>"), challenge);
    }
    byte[] given = sha256(h.substring(7).trim());
    if (!MessageDigest.isEqual(given, tokenDigest)) {
      throw new ApiError(403, "forbidden", "the bearer token is not the configured one", List.of("the configured token"));
    }
  }

  /**
   * Without a token, the API is for this machine: a web page whose name resolves to 127.0.0.1 (DNS
   * rebinding) reaches it too, but its browser sends that name as the Host header. A request
   * without a Host header (HTTP/1.0, or a binding that passes none) is answered: browsers always
   * send one.
   */
  private static void checkHost(Request r) {
    String host = r.header("Host");
    if (host == null || host.isBlank() || isLoopbackHost(host)) {
      return;
    }
    List<String> accepted = new java.util.ArrayList<>(LOOPBACK_HOSTS);
    accepted.add("a configured token");
    throw new ApiError(403, "host_not_allowed",
        "without a token, the Host header must name a loopback host (localhost, *.localhost, 127.0.0.0/8 or [::1], "
            + "with or without a port), but was '" + (host.length() > 200 ? host.substring(0, 200) + "..." : host)
            + "'; configure a token to call the API under other host names",
        accepted);
  }

  /**
   * Whether a Host header value names a loopback host, with or without a port: {@code localhost}
   * or a name under it (any case), an IPv4 address in 127.0.0.0/8 in dotted-decimal form, or a
   * bracketed IPv6 loopback address such as {@code [::1]}. Never resolves a name.
   */
  static boolean isLoopbackHost(String value) {
    String h = value.trim();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      if (end < 0 || !validPort(h.substring(end + 1))) {
        return false;
      }
      String literal = h.substring(1, end);
      if (!IPV6_LITERAL.matcher(literal).matches()) {
        return false;
      }
      try {
        // bracketed, so parsed as an IPv6 literal and never looked up
        return InetAddress.getByName("[" + literal + "]").isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    int colon = h.indexOf(':');
    if (colon >= 0) {
      if (!validPort(h.substring(colon))) {
        return false;
      }
      h = h.substring(0, colon);
    }
    h = h.toLowerCase(Locale.ROOT);
    if (LOCALHOST.matcher(h).matches()) {
      return true;
    }
    Matcher ip = IPV4_127.matcher(h);
    if (!ip.matches()) {
      return false;
    }
    for (int i = 1; i <= 3; i++) {
      if (Integer.parseInt(ip.group(i)) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Empty, or a colon and a port 0-65535. */
  private static boolean validPort(String s) {
    return s.isEmpty() || (PORT.matcher(s).matches() && Integer.parseInt(s.substring(1)) <= 65535);
  }

  private void checkContentLength(Request r) {
    String cl = r.header("Content-Length");
    if (cl == null) {
      return;
    }
    try {
      long n = Long.parseLong(cl.trim());
      if (n > maxBodyBytes) {
        throw tooLarge(n, true);
      }
    } catch (NumberFormatException e) {
      throw new ApiError(400, "bad_header", "Content-Length must be a whole number, but was '" + cl + "'",
          List.of("Content-Length: a whole number of bytes, at most " + maxBodyBytes));
    }
  }

  private ApiError tooLarge(long n, boolean exact) {
    return new ApiError(413, "body_too_large",
        "the body must be at most " + maxBodyBytes + " bytes, but was " + (exact ? n + " bytes" : "more than " + maxBodyBytes + " bytes"),
        List.of("at most " + maxBodyBytes + " bytes"));
  }

  private static void noBody(Request r) {
    if (r.body().length > 0) {
      throw new ApiError(400, "body_not_accepted",
          r.method() + " " + r.path() + " takes no body, but " + r.body().length + " bytes were sent", List.of("no body"));
    }
  }

  private static void params(Map<String, String> query, Set<String> accepted) {
    for (String k : query.keySet()) {
      if (!accepted.contains(k)) {
        List<String> acc = accepted.stream().sorted().toList();
        throw new ApiError(400, "unknown_parameter",
            "query parameter '" + k + "' is not accepted here; accepted: " + (acc.isEmpty() ? "none" : String.join(", ", acc)),
            acc);
      }
    }
  }

  static Map<String, String> parseQuery(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String part : raw.split("&", -1)) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k;
      String v;
      try {
        k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
        v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, "bad_query", "the query string is not valid URL encoding: '" + raw + "'",
            List.of("name=value pairs joined by &, with % followed by two hex digits"));
      }
      if (m.put(k, v) != null) {
        throw new ApiError(400, "duplicate_parameter", "query parameter '" + k + "' must be given once, but was repeated", List.of(k));
      }
    }
    return m;
  }

  private static boolean isJson(String ct) {
    if (ct == null) {
      return false;
    }
    String[] parts = ct.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq < 0) {
        return false;
      }
      String name = p.substring(0, eq).trim();
      String value = p.substring(eq + 1).trim().replace("\"", "");
      if (name.equalsIgnoreCase("charset") && !value.equalsIgnoreCase("utf-8")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The core's IllegalStateException: 503 when the governor is not running (not started, or
   * closed); anything else (a running governor's thread interrupted, say) is a 500.
   */
  private ApiError notRunning(IllegalStateException e) {
    if (governor.isRunning()) {
      return new ApiError(500, "internal_error",
          "the call failed: IllegalStateException: " + stripPrefix(e.getMessage()), List.of());
    }
    return new ApiError(503, "governor_not_running",
        "the governor is not running (not started, or closed), so nothing was done; start the governor first", RUNNING);
  }

  private static String stripPrefix(String message) {
    return message == null ? "" : message.replaceFirst("^memgov[^:]*: ", "");
  }

  // ---------------------------------------------------------------- responses

  private Response json(int status, ObjectNode body) {
    return new Response(status, jsonHeaders(), JsonViews.write(mapper, body));
  }

  private Response error(ApiError e) {
    Map<String, String> h = jsonHeaders();
    h.putAll(e.headers);
    return new Response(e.status, h, JsonViews.write(mapper, JsonViews.error(e)));
  }

  private static Map<String, String> jsonHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", JSON);
    h.put("Cache-Control", "no-store");
    h.put("X-Content-Type-Options", "nosniff");
    return h;
  }

  private static Map<String, String> textHeaders() {
    Map<String, String> h = jsonHeaders();
    h.put("Content-Type", "text/plain; charset=utf-8");
    return h;
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a body, at most {@code limit + 1} bytes, so that an over-long body is seen as such
   * without reading it all.
   */
  static byte[] readBody(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1024];
    int n;
    while (out.size() <= limit && (n = in.read(buf, 0, Math.min(buf.length, limit + 1 - out.size()))) > 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** The most an over-long body is read on to answer 413 cleanly; beyond it the connection may reset. */
  static final int DRAIN_LIMIT = 4 << 20;

  /**
   * Whether a request's body is over the limit: more than {@code limit} bytes were read, or its
   * Content-Length says so.
   */
  static boolean overLong(byte[] body, String contentLength, int limit) {
    if (body.length > limit) {
      return true;
    }
    try {
      return contentLength != null && Long.parseLong(contentLength.trim()) > limit;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Reads and drops what the client still sends of an over-long body (up to {@link #DRAIN_LIMIT}),
   * so that closing the connection after the 413 does not reset it before the client has read the
   * answer: a client still writing its body gets a broken pipe instead of the 413 otherwise.
   */
  static void drain(InputStream in) {
    byte[] buf = new byte[8192];
    long total = 0;
    try {
      int n;
      while (total < DRAIN_LIMIT && (n = in.read(buf)) > 0) {
        total += n;
      }
    } catch (IOException e) {
      // the client went away; nothing to answer
    }
  }

  // ---------------------------------------------------------------- types

  /**
   * One call, as a binding hands it over. This record is immutable (headers are copied; the body
   * array is not, so do not change it) and thread-safe.
   *
   * @param method the HTTP method, upper case
   * @param path the decoded path within the application, e.g. {@code /api/memory}
   * @param query the raw (still URL-encoded) query string, or null
   * @param headers request headers (first value each), looked up case-insensitively
   * @param body the body; a binding passes at most {@link MemoryApiHandler#maxBodyBytes()} + 1 bytes
   */
  public record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      if (headers != null) {
        headers.forEach((k, v) -> {
          if (k != null && v != null) {
            h.putIfAbsent(k, v);
          }
        });
      }
      headers = java.util.Collections.unmodifiableMap(h);
      body = body == null ? new byte[0] : body;
    }

    /** A header's value, case-insensitive name, or null. */
    public String header(String name) {
      return headers.get(name);
    }
  }

  /**
   * One answer. This record is immutable (headers are copied; the body array is not, so do not
   * change it) and thread-safe.
   *
   * @param status the HTTP status
   * @param headers the response headers, including {@code Content-Type}
   * @param body the body bytes (UTF-8 JSON, or text for {@code /api/simple-health}); empty for a
   *     HEAD, whose headers then carry the {@code Content-Length} a GET would have
   */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public Response {
      headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Builds a {@link MemoryApiHandler}. Not thread-safe. */
  public static final class Builder {
    private final MemoryGovernor governor;
    private String token;
    private boolean protectReads;
    private boolean anyHostWithoutToken;
    private int maxBodyBytes = 4096;

    private Builder(MemoryGovernor governor) {
      this.governor = Objects.requireNonNull(governor, "governor");
    }

    /**
     * The bearer token that changing calls (POST, DELETE) must send; null for none. At least 16
     * characters, no whitespace.
     */
    public Builder token(String token) {
      if (token != null && (token.length() < 16 || token.chars().anyMatch(Character::isWhitespace))) {
        throw new IllegalArgumentException("memgov http: token must be at least 16 characters without whitespace, but was "
            + token.length() + " characters" + (token.chars().anyMatch(Character::isWhitespace) ? " with whitespace" : "")
            + "; generate one, e.g. openssl rand -hex 24");
      }
      this.token = token;
      return this;
    }

    /**
     * Whether reads ({@code GET /api/memory}, {@code /api/memory/history}) need the token too;
     * default false. The two health endpoints stay open for load balancers.
     */
    public Builder protectReads(boolean protect) {
      this.protectReads = protect;
      return this;
    }

    /**
     * Whether, without a token, calls addressed to any host are answered; default false. Without a
     * token the API answers only requests whose {@code Host} header names a loopback host
     * ({@code localhost}, {@code *.localhost}, 127.0.0.0/8, {@code [::1]}), except the health
     * endpoints and the dashboard page, so that a web page cannot drive it through DNS rebinding.
     * Only for a binding on a network you trust; a token is the better way to open the API. Has no
     * effect with a token (the token is checked instead).
     */
    public Builder allowAnyHostWithoutToken(boolean allow) {
      this.anyHostWithoutToken = allow;
      return this;
    }

    /** The largest request body accepted, 64 bytes to 1 MiB; default 4096. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < MIN_BODY_LIMIT || bytes > MAX_BODY_LIMIT) {
        throw new IllegalArgumentException(
            "memgov http: maxBodyBytes must be between " + MIN_BODY_LIMIT + " and " + MAX_BODY_LIMIT + ", but was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Builds the handler. */
    public MemoryApiHandler build() {
      if (protectReads && token == null) {
        throw new IllegalArgumentException("memgov http: protectReads needs a token, but none was set");
      }
      return new MemoryApiHandler(this);
    }
  }
}
