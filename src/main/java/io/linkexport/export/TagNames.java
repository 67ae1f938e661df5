package io.linkexport.export;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A link's tags as the export writes them: the names of its tag ids ({@code links.tag_ids}, V7), sorted as the list
 * API sorts a link's tags (by name; names are unique in a project). The names come from the project's tags read in
 * the export's snapshot ({@code sql/export_tags.sql}); an id without a name there is left out, as on a list page.
 */
final class TagNames {

  /** Between two names in a text cell. */
  static final String SEPARATOR = "; ";

  private TagNames() {
  }

  /** The sorted names; empty for no tags. */
  static List<String> of(UUID[] ids, Map<UUID, String> names) {
    if (ids == null || ids.length == 0) {
      return List.of();
    }
    List<String> out = new ArrayList<>(ids.length);
    for (UUID id : ids) {
      String n = names.get(id);
      if (n != null) {
        out.add(n);
      }
    }
    Collections.sort(out);
    return out;
  }

  /** The sorted names joined by {@link #SEPARATOR}; null (an empty cell) for no tags. */
  static String joined(UUID[] ids, Map<UUID, String> names) {
    List<String> l = of(ids, names);
    return l.isEmpty() ? null : String.join(SEPARATOR, l);
  }
}
