package dev.memgov.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rejected call: the HTTP status, a stable machine-readable code, a message that says what was
 * wrong (name, rule, actual value), and what is accepted. Thrown inside the handler before
 * anything is changed, and rendered as {@code {"error","message","accepted"}}. Immutable.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;
  final List<String> accepted;
  final Map<String, String> headers;

  ApiError(int status, String code, String message, List<String> accepted) {
    this(status, code, message, accepted, Map.of());
  }

  ApiError(int status, String code, String message, List<String> accepted, Map<String, String> headers) {
    super("memgov http: " + message, null, false, false);
    this.status = status;
    this.code = code;
    this.accepted = accepted == null ? List.of() : List.copyOf(accepted);
    this.headers = new LinkedHashMap<>(headers);
  }
}
