package dev.memgov.http;

/** The whole API suite over {@link MemoryApiServer} (JDK HttpServer). */
class StandaloneServerApiTest extends AbstractApiTest {
  @Override
  ApiFixture.Binding binding() {
    return ApiFixture.Binding.STANDALONE;
  }
}
