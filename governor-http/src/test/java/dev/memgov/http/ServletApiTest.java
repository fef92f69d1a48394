package dev.memgov.http;

/** The whole API suite over {@link MemoryApiServlet} mounted at {@code /api/*} in embedded Jetty 12 (ee10). */
class ServletApiTest extends AbstractApiTest {
  @Override
  ApiFixture.Binding binding() {
    return ApiFixture.Binding.SERVLET;
  }
}
