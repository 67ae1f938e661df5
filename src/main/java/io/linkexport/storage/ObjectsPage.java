package io.linkexport.storage;

import java.util.List;

/**
 * Object keys as ListObjectsV2 lists them, in key order; {@code truncated} when more keys follow the last one (list
 * again starting after it).
 */
public record ObjectsPage(List<String> keys, boolean truncated) {

  /** The last key listed, or null when the page is empty. */
  public String lastKey() {
    return keys.isEmpty() ? null : keys.get(keys.size() - 1);
  }
}
