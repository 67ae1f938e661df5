package io.linkexport.http.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExpiringCacheTest {

  @Test
  void anEntryIsAnsweredUntilItsDeadlineAndNeverAfter() {
    ExpiringCache<String, String> cache = new ExpiringCache<>(10);
    cache.put("a", "A", 1_000);
    assertThat(cache.get("a", 999)).isEqualTo("A");
    assertThat(cache.get("a", 1_000)).isNull();
    assertThat(cache.size()).as("dropped when asked for after its deadline").isZero();
    assertThat(cache.get("b", 0)).isNull();
  }

  @Test
  void whenFullTheLeastRecentlyUsedEntryGoes() {
    ExpiringCache<String, String> cache = new ExpiringCache<>(2);
    cache.put("a", "A", Long.MAX_VALUE);
    cache.put("b", "B", Long.MAX_VALUE);
    assertThat(cache.get("a", 0)).isEqualTo("A"); // "b" is now the least recently used
    cache.put("c", "C", Long.MAX_VALUE);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get("b", 0)).isNull();
    assertThat(cache.get("a", 0)).isEqualTo("A");
    assertThat(cache.get("c", 0)).isEqualTo("C");
  }
}
