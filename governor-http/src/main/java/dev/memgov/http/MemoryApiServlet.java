package dev.memgov.http;

import dev.memgov.core.MemoryGovernor;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /api/memory} API as a Jakarta Servlet (6.0) that an application mounts in its own
 * server. Map it to {@code /api/*} (or {@code /*}); the endpoint paths are the path within the
 * web application (the request URI below the context path, as sent: not decoded, path parameters
 * kept), exactly as with {@link MemoryApiServer}.
 *
 * <p>Give it a governor through the constructor, or register the governor as the servlet-context
 * attribute {@value #GOVERNOR_ATTRIBUTE}. Init parameters (or context attributes of the same
 * name) {@code memgov.http.token} and {@code memgov.http.protect-reads} set the bearer token and
 * whether reads need it ({@code true} or {@code false}, any case; anything else fails init); a
 * ready {@link MemoryApiHandler} can be passed instead. Without a token, init logs a warning, and
 * the servlet answers only calls whose {@code Host} header names a loopback host ({@code
 * localhost}, 127.0.0.0/8, {@code [::1]}), except the health endpoints and the dashboard page: the
 * application's own host names need a token (or a handler built with {@link
 * MemoryApiHandler.Builder#allowAnyHostWithoutToken}).
 *
 * <p>HEAD is answered like GET without a body (the {@code Content-Length} is the GET body's).
 *
 * <p>This class is thread-safe once initialized.
 */
public class MemoryApiServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(MemoryApiServlet.class);

  /** The servlet-context attribute holding the {@link MemoryGovernor} when none is passed. */
  public static final String GOVERNOR_ATTRIBUTE = "dev.memgov.core.MemoryGovernor";

  /** Init parameter: the bearer token for changing calls. */
  public static final String TOKEN_PARAM = "memgov.http.token";

  /** Init parameter: {@code true} to require the token for reads as well. */
  public static final String PROTECT_READS_PARAM = "memgov.http.protect-reads";

  private final transient MemoryGovernor governor;
  private transient volatile MemoryApiHandler handler;

  /** A servlet that reads the governor from the context attribute {@value #GOVERNOR_ATTRIBUTE}. */
  public MemoryApiServlet() {
    this.governor = null;
  }

  /** A servlet over {@code governor}; token and read protection from init parameters. */
  public MemoryApiServlet(MemoryGovernor governor) {
    this.governor = java.util.Objects.requireNonNull(governor, "governor");
  }

  /** A servlet over a ready handler (token, limits already set). */
  public MemoryApiServlet(MemoryApiHandler handler) {
    this.governor = null;
    this.handler = java.util.Objects.requireNonNull(handler, "handler");
  }

  @Override
  public void init(ServletConfig config) throws ServletException {
    super.init(config);
    if (handler != null) {
      warnIfOpen(handler);
      return;
    }
    MemoryGovernor g = governor;
    if (g == null) {
      Object attr = config.getServletContext().getAttribute(GOVERNOR_ATTRIBUTE);
      if (!(attr instanceof MemoryGovernor)) {
        throw new ServletException("memgov http: servlet context attribute '" + GOVERNOR_ATTRIBUTE
            + "' must hold a MemoryGovernor, but was " + (attr == null ? "missing" : attr.getClass().getName())
            + "; set it, or construct MemoryApiServlet(governor)");
      }
      g = (MemoryGovernor) attr;
    }
    boolean protectReads = parseProtectReads(setting(config, PROTECT_READS_PARAM));
    MemoryApiHandler h;
    try {
      h = MemoryApiHandler.builder(g)
          .token(setting(config, TOKEN_PARAM))
          .protectReads(protectReads)
          .build();
    } catch (IllegalArgumentException e) {
      throw new ServletException(e.getMessage(), e);
    }
    warnIfOpen(h);
    handler = h;
  }

  private static void warnIfOpen(MemoryApiHandler h) {
    if (!h.hasToken() && h.loopbackHostOnly()) {
      LOG.warn("memgov http: no token configured: /api/memory, its history, POST /api/memory/optimize and DELETE "
          + "/api/memory/cache answer only calls whose Host header names a loopback host (localhost, 127.0.0.1, "
          + "[::1]); that keeps web pages out (DNS rebinding), not anyone who can reach this application and sends "
          + "such a header. Set the init parameter (or context attribute) '{}' to a secret of at least 16 characters "
          + "without whitespace (e.g. openssl rand -hex 24) to require it for the changing calls and to answer under "
          + "this application's own host names", TOKEN_PARAM);
    } else if (!h.hasToken()) {
      LOG.warn("memgov http: no token configured: the changing calls POST /api/memory/optimize and DELETE "
          + "/api/memory/cache are open to anyone who can reach this application; set the init parameter (or "
          + "context attribute) '{}' to a secret of at least 16 characters without whitespace (e.g. openssl rand "
          + "-hex 24), or pass MemoryApiHandler.builder(governor).token(...).build()", TOKEN_PARAM);
    }
  }

  /** {@code true}/{@code false} in any case; null (not set) is false; anything else is rejected. */
  static boolean parseProtectReads(String value) throws ServletException {
    if (value == null || value.equalsIgnoreCase("false")) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    throw new ServletException("memgov http: init parameter '" + PROTECT_READS_PARAM
        + "' must be true or false (any case), but was '" + value + "'");
  }

  private static String setting(ServletConfig config, String name) {
    String v = config.getInitParameter(name);
    if (v == null) {
      Object a = config.getServletContext().getAttribute(name);
      v = a == null ? null : a.toString();
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    MemoryApiHandler h = handler;
    Map<String, String> headers = new LinkedHashMap<>();
    for (Enumeration<String> names = req.getHeaderNames(); names != null && names.hasMoreElements(); ) {
      String name = names.nextElement();
      headers.put(name, req.getHeader(name));
    }
    // the raw path below the context, as the JDK server routes: the container's decoded and
    // normalized servlet path would drop ";x" path parameters and decode escapes
    String uri = req.getRequestURI() == null ? "" : req.getRequestURI();
    String context = req.getContextPath() == null ? "" : req.getContextPath();
    String path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
    byte[] body = MemoryApiHandler.readBody(req.getInputStream(), h.maxBodyBytes());
    if (MemoryApiHandler.overLong(body, req.getHeader("Content-Length"), h.maxBodyBytes())) {
      // answer 413 after reading what the client still sends, then close: a client still writing
      // its body would otherwise see the connection reset instead of the 413
      MemoryApiHandler.drain(req.getInputStream());
      resp.setHeader("Connection", "close");
    }
    MemoryApiHandler.Response r = h.handle(new MemoryApiHandler.Request(
        req.getMethod().toUpperCase(Locale.ROOT), path, req.getQueryString(), headers, body));
    resp.setStatus(r.status());
    r.headers().forEach(resp::setHeader);
    // a HEAD answer has no body; its headers carry the Content-Length a GET would have
    if (!"HEAD".equalsIgnoreCase(req.getMethod())) {
      resp.setContentLength(r.body().length);
      if (r.body().length > 0) {
        resp.getOutputStream().write(r.body());
      }
    }
  }
}
