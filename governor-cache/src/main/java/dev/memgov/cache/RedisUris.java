package dev.memgov.cache;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Keeps Redis passwords out of messages: a Redis URI's user info ({@code user:password@}) is shown
 * as {@code ***@}. Needs no Lettuce, so the builder can use it before it knows Lettuce is there.
 * Stateless, thread-safe.
 */
final class RedisUris {

  private RedisUris() {}

  /**
   * The URI with everything between {@code ://} (or the start) and the last {@code @} replaced by
   * {@code ***}; unchanged when it has no {@code @}. Masking up to the last {@code @} also covers
   * a password with an unencoded {@code @} in it.
   */
  static String mask(String uri) {
    if (uri == null) {
      return "null";
    }
    int at = uri.lastIndexOf('@');
    if (at < 0) {
      return uri;
    }
    return uri.substring(0, userInfoStart(uri, at)) + "***" + uri.substring(at);
  }

  /** Where the user info ending at {@code at} begins: after {@code ://}, or at 0 without one. */
  private static int userInfoStart(String uri, int at) {
    int scheme = uri.indexOf("://");
    return scheme >= 0 && scheme < at ? scheme + 3 : 0;
  }

  /**
   * {@code text} (e.g. a parser's message about the URI) with the URI's user info and its password,
   * raw and URL-decoded, replaced by {@code ***}.
   */
  static String scrub(String text, String uri) {
    if (text == null || uri == null) {
      return text;
    }
    int at = uri.lastIndexOf('@');
    if (at < 0) {
      return text;
    }
    String userInfo = uri.substring(userInfoStart(uri, at), at);
    String out = text.replace(uri, mask(uri));
    int colon = userInfo.indexOf(':');
    for (String secret : new String[] {userInfo, colon >= 0 ? userInfo.substring(colon + 1) : userInfo}) {
      if (!secret.isEmpty()) {
        out = out.replace(secret, "***");
        try {
          String decoded = URLDecoder.decode(secret, StandardCharsets.UTF_8);
          if (!decoded.isEmpty()) {
            out = out.replace(decoded, "***");
          }
        } catch (IllegalArgumentException e) {
          // not URL-encoded: the raw form is already replaced
        }
      }
    }
    return out;
  }
}
