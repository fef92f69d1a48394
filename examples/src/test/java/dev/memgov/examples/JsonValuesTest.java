package dev.memgov.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

  private static final TenantDatabase.Account ACCOUNT =
      new TenantDatabase.Account(42, "account-42", "team", 12_345, 3, 3, 99_000);

  @Test
  void sizesAreLogUniformBetweenMinAndMaxAndStablePerKey() {
    JsonValues values = new JsonValues(512, 16 * 1024);
    int[] sizes = new int[10_000];
    for (int k = 0; k < sizes.length; k++) {
      sizes[k] = values.sizeOf(k + 1);
      assertThat(sizes[k]).isBetween(512, 16 * 1024);
      assertThat(values.sizeOf(k + 1)).isEqualTo(sizes[k]);
    }
    Arrays.sort(sizes);
    // log-uniform: the median is the geometric mean of the bounds, sqrt(512 * 16384) = 2896
    assertThat(sizes[sizes.length / 2]).isBetween(2600, 3200);
  }

  @Test
  void documentsAreJsonOfAboutTheirSize() throws Exception {
    JsonValues values = new JsonValues(512, 16 * 1024);
    ObjectMapper mapper = new ObjectMapper();
    for (long key = 1; key <= 200; key++) {
      String doc = values.document(key, ACCOUNT);
      assertThat(doc.length()).isBetween(values.sizeOf(key), values.sizeOf(key) + 200);
      JsonNode node = mapper.readTree(doc);
      assertThat(node.get("key").asText()).isEqualTo("tenant:" + key);
      assertThat(node.get("account").get("version").asLong()).isEqualTo(3);
      assertThat(node.get("items").size()).isPositive();
    }
  }

  @Test
  void aNewVersionOfTheRowMakesANewDocument() {
    JsonValues values = new JsonValues(4096, 4096);
    TenantDatabase.Account next = new TenantDatabase.Account(42, "account-42", "team", 12_845, 4, 3, 99_000);
    assertThat(values.document(7, ACCOUNT)).isEqualTo(values.document(7, ACCOUNT));
    assertThat(values.document(7, next)).isNotEqualTo(values.document(7, ACCOUNT)).contains("\"version\":4");
  }
}
