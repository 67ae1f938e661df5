package io.linkexport.http.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small bounded cache whose entries each carry their own deadline: least recently used entries go first when it is
 * full, and an entry past its deadline is never answered (it is dropped when asked for). Thread-safe. For answers the
 * HTTP side may reuse for a while: project access ({@link AccessControl}), verified session tokens
 * ({@link SessionTokenVerifier}).
 */
final class ExpiringCache<K, V> {

  private record Entry<V>(V value, long expiresAtMs) {
  }

  private final Map<K, Entry<V>> entries;

  ExpiringCache(int maxEntries) {
    this.entries = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /** The value stored for {@code key}, or null when there is none or its deadline has passed at {@code nowMs}. */
  synchronized V get(K key, long nowMs) {
    Entry<V> e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (nowMs >= e.expiresAtMs()) {
      entries.remove(key);
      return null;
    }
    return e.value();
  }

  /** Stores {@code value} until {@code expiresAtMs} (exclusive). */
  synchronized void put(K key, V value, long expiresAtMs) {
    entries.put(key, new Entry<>(value, expiresAtMs));
  }

  synchronized int size() {
    return entries.size();
  }
}
