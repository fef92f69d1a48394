package dev.memgov.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The table of rejected calls, shared by every binding: each must get its status, a JSON error
 * {@code {"error","message","accepted"}} with the given code, and change nothing. Before the
 * table runs, a LIGHT cleanup has run, so LIGHT is inside its cooldown.
 */
final class BadInputCases {

  private BadInputCases() {}

  /**
   * One rejected call.
   *
   * @param accepted a value the error's "accepted" list must hold, or null
   * @param header a response header that must be present (e.g. Allow, Retry-After), or null
   * @param headerValue its exact value, or null for any
   */
  record Case(String name, String method, String path, Map<String, String> headers, String body,
      int status, String error, String accepted, String header, String headerValue) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final Map<String, String> JSON_CT = Map.of("Content-Type", "application/json");

  static List<Case> all() {
    List<Case> c = new ArrayList<>();
    // --- routing: unknown paths (404 listing the endpoints)
    c.add(new Case("unknown path", "GET", "/api/nothing", Map.of(), null, 404, "not_found", "GET /api/memory", null, null));
    c.add(new Case("trailing slash", "GET", "/api/memory/", Map.of(), null, 404, "not_found", "GET /api/memory", null, null));
    c.add(new Case("prefix of a path", "GET", "/api", Map.of(), null, 404, "not_found", "GET /api/health", null, null));
    c.add(new Case("longer than a path", "GET", "/api/memoryx", Map.of(), null, 404, "not_found", "POST /api/memory/optimize", null, null));
    c.add(new Case("below a path", "GET", "/api/memory/optimize/now", Map.of(), null, 404, "not_found", null, null, null));
    c.add(new Case("wrong case", "GET", "/api/Memory", Map.of(), null, 404, "not_found", null, null, null));
    c.add(new Case("delete below cache", "DELETE", "/api/memory/cache/sessions", Map.of(), null, 404, "not_found", "DELETE /api/memory/cache", null, null));
    // --- wrong methods (405 with Allow)
    c.add(new Case("POST status", "POST", "/api/memory", JSON_CT, "{}", 405, "method_not_allowed", "HEAD", "Allow", "GET, HEAD"));
    c.add(new Case("DELETE status", "DELETE", "/api/memory", Map.of(), null, 405, "method_not_allowed", "HEAD", "Allow", "GET, HEAD"));
    c.add(new Case("PUT status", "PUT", "/api/memory", JSON_CT, "{}", 405, "method_not_allowed", "HEAD", "Allow", "GET, HEAD"));
    c.add(new Case("PATCH status", "PATCH", "/api/memory", JSON_CT, "{}", 405, "method_not_allowed", "HEAD", "Allow", "GET, HEAD"));
    c.add(new Case("GET optimize", "GET", "/api/memory/optimize", Map.of(), null, 405, "method_not_allowed", "POST", "Allow", "POST"));
    c.add(new Case("PUT optimize", "PUT", "/api/memory/optimize", JSON_CT, "{\"level\":\"standard\",\"force\":true}", 405, "method_not_allowed", "POST", "Allow", "POST"));
    c.add(new Case("GET cache", "GET", "/api/memory/cache?target=all", Map.of(), null, 405, "method_not_allowed", "DELETE", "Allow", "DELETE"));
    c.add(new Case("POST cache", "POST", "/api/memory/cache?target=all", JSON_CT, "{}", 405, "method_not_allowed", "DELETE", "Allow", "DELETE"));
    c.add(new Case("POST history", "POST", "/api/memory/history", JSON_CT, "{}", 405, "method_not_allowed", "HEAD", "Allow", "GET, HEAD"));
    c.add(new Case("POST health", "POST", "/api/health", JSON_CT, "{}", 405, "method_not_allowed", "HEAD", "Allow", "GET, HEAD"));
    c.add(new Case("DELETE simple-health", "DELETE", "/api/simple-health", Map.of(), null, 405, "method_not_allowed", "HEAD", "Allow", "GET, HEAD"));
    c.add(new Case("POST dashboard", "POST", "/api/memory/dashboard", JSON_CT, "{}", 405, "method_not_allowed", "HEAD", "Allow", "GET, HEAD"));
    // --- query parameters
    c.add(new Case("status with a parameter", "GET", "/api/memory?verbose=1", Map.of(), null, 400, "unknown_parameter", null, null, null));
    c.add(new Case("dashboard with a parameter", "GET", "/api/memory/dashboard?refresh=1", Map.of(), null, 400, "unknown_parameter", null, null, null));
    c.add(new Case("health with a parameter", "GET", "/api/health?full", Map.of(), null, 400, "unknown_parameter", null, null, null));
    c.add(new Case("simple-health with a parameter", "GET", "/api/simple-health?x=1", Map.of(), null, 400, "unknown_parameter", null, null, null));
    c.add(new Case("history unknown parameter", "GET", "/api/memory/history?from=0", Map.of(), null, 400, "unknown_parameter", "since", null, null));
    c.add(new Case("history since not a number", "GET", "/api/memory/history?since=yesterday", Map.of(), null, 400, "bad_parameter", "<epoch milliseconds>", null, null));
    c.add(new Case("history since negative", "GET", "/api/memory/history?since=-5", Map.of(), null, 400, "bad_parameter", null, null, null));
    c.add(new Case("history since fraction", "GET", "/api/memory/history?since=1.5", Map.of(), null, 400, "bad_parameter", null, null, null));
    c.add(new Case("history since empty", "GET", "/api/memory/history?since=", Map.of(), null, 400, "bad_parameter", null, null, null));
    c.add(new Case("history since overflow", "GET", "/api/memory/history?since=99999999999999999999", Map.of(), null, 400, "bad_parameter", null, null, null));
    c.add(new Case("history since twice", "GET", "/api/memory/history?since=1&since=2", Map.of(), null, 400, "duplicate_parameter", "since", null, null));
    c.add(new Case("optimize with a query", "POST", "/api/memory/optimize?level=light", JSON_CT, "{\"level\":\"standard\"}", 400, "unknown_parameter", null, null, null));
    // --- bodies where none is taken
    c.add(new Case("GET status with a body", "GET", "/api/memory", Map.of(), "hello", 400, "body_not_accepted", "no body", null, null));
    c.add(new Case("DELETE cache with a body", "DELETE", "/api/memory/cache?target=all", JSON_CT, "{\"target\":\"all\"}", 400, "body_not_accepted", null, null, null));
    // --- optimize: content type
    c.add(new Case("optimize without content type", "POST", "/api/memory/optimize", Map.of(), "{\"level\":\"standard\"}", 415, "unsupported_media_type", "application/json", null, null));
    c.add(new Case("optimize as text", "POST", "/api/memory/optimize", Map.of("Content-Type", "text/plain"), "{\"level\":\"standard\"}", 415, "unsupported_media_type", "application/json", null, null));
    c.add(new Case("optimize as form", "POST", "/api/memory/optimize", Map.of("Content-Type", "application/x-www-form-urlencoded"), "level=standard", 415, "unsupported_media_type", null, null, null));
    c.add(new Case("optimize latin-1", "POST", "/api/memory/optimize", Map.of("Content-Type", "application/json; charset=iso-8859-1"), "{\"level\":\"standard\"}", 415, "unsupported_media_type", null, null, null));
    // --- optimize: body
    c.add(new Case("optimize empty body", "POST", "/api/memory/optimize", JSON_CT, null, 400, "missing_body", null, null, null));
    c.add(new Case("optimize broken JSON", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":", 400, "bad_json", null, null, null));
    c.add(new Case("optimize array", "POST", "/api/memory/optimize", JSON_CT, "[\"standard\"]", 400, "bad_json", null, null, null));
    c.add(new Case("optimize bare string", "POST", "/api/memory/optimize", JSON_CT, "\"standard\"", 400, "bad_json", null, null, null));
    c.add(new Case("optimize trailing tokens", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"standard\"} {}", 400, "bad_json", null, null, null));
    c.add(new Case("optimize duplicate key", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"light\",\"level\":\"standard\"}", 400, "bad_json", null, null, null));
    c.add(new Case("optimize unknown level", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"huge\",\"force\":true}", 400, "unknown_level", "aggressive", null, null));
    c.add(new Case("optimize empty level", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"\",\"force\":true}", 400, "unknown_level", "light", null, null));
    c.add(new Case("optimize numeric level", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":2,\"force\":true}", 400, "unknown_level", "standard", null, null));
    c.add(new Case("optimize null level", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":null,\"force\":true}", 400, "missing_field", "emergency", null, null));
    c.add(new Case("optimize empty object", "POST", "/api/memory/optimize", JSON_CT, "{}", 400, "missing_field", "light", null, null));
    c.add(new Case("optimize only force", "POST", "/api/memory/optimize", JSON_CT, "{\"force\":true}", 400, "missing_field", null, null, null));
    c.add(new Case("optimize force as string", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"standard\",\"force\":\"yes\"}", 400, "bad_force", "true", null, null));
    c.add(new Case("optimize force null", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"standard\",\"force\":null}", 400, "bad_force", "true", null, null));
    c.add(new Case("optimize force as number", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"standard\",\"force\":1}", 400, "bad_force", "false", null, null));
    c.add(new Case("optimize unknown field", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"standard\",\"dryRun\":true}", 400, "unknown_field", "force", null, null));
    c.add(new Case("optimize body too large", "POST", "/api/memory/optimize", JSON_CT,
        "{\"level\":\"standard\",\"force\":true,\"pad\":\"" + "x".repeat(5000) + "\"}", 413, "body_too_large", "at most 4096 bytes", null, null));
    c.add(new Case("optimize inside cooldown", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"light\"}", 429, "cooldown", "force=true", "Retry-After", null));
    c.add(new Case("optimize inside cooldown, force false", "POST", "/api/memory/optimize", JSON_CT, "{\"level\":\"light\",\"force\":false}", 429, "cooldown", "force=true", "Retry-After", null));
    // --- cache targets
    c.add(new Case("clear without target", "DELETE", "/api/memory/cache", Map.of(), null, 400, "missing_parameter", "all", null, null));
    c.add(new Case("clear empty target", "DELETE", "/api/memory/cache?target=", Map.of(), null, 400, "missing_parameter", "sessions", null, null));
    c.add(new Case("clear unknown cache", "DELETE", "/api/memory/cache?target=users", Map.of(), null, 404, "unknown_target", "sessions", null, null));
    c.add(new Case("clear a tier that does not exist", "DELETE", "/api/memory/cache?target=l3", Map.of(), null, 404, "unknown_target", "all", null, null));
    c.add(new Case("clear wrong-case cache name", "DELETE", "/api/memory/cache?target=Sessions", Map.of(), null, 404, "unknown_target", "sessions", null, null));
    c.add(new Case("clear a governable that is no cache", "DELETE", "/api/memory/cache?target=buffers", Map.of(), null, 404, "unknown_target", "l1", null, null));
    c.add(new Case("clear two targets", "DELETE", "/api/memory/cache?target=l1&target=l2", Map.of(), null, 400, "duplicate_parameter", "target", null, null));
    c.add(new Case("clear with unknown parameter", "DELETE", "/api/memory/cache?target=all&tier=l1", Map.of(), null, 400, "unknown_parameter", "target", null, null));
    return c;
  }
}
