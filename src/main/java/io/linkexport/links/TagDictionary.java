package io.linkexport.links;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tag names and colours by id, per project, each project's entries valid for one {@code projects.tags_version}
 * (V7: the version grows on every change to the project's tags). A list page reads its links' tag ids and the
 * project's version in its own statement; when the version is the one held here and every id is known, the page
 * needs no second statement. Otherwise the caller fetches the missing ids and {@link #put}s them.
 *
 * <p>Why a committed change is never missed: entries are only ever filed under the version that the page statement
 * read before the fetch, and that fetch ran after the statement, so they are at least as new as that version; a
 * newer version in any later page drops them. An entry filed under a version older than the one held is ignored.
 * Ids the fetch did not find (a tag of another project) are remembered as absent under the same rule. A change that
 * commits while a page is running may show on that page for some of its tags and not others; the next page has it.
 *
 * <p>Bounded: at most {@code maxTags} entries in all; the least recently used projects go first, and a project
 * with more entries than that is not kept. Not thread-safe: each query verticle has its own, used on its event loop.
 */
public final class TagDictionary {

  /** Marks an id that is not a tag of the project. */
  private static final LinkJson.Tag ABSENT = new LinkJson.Tag("", "", null);

  private final int maxTags;
  private final LinkedHashMap<UUID, Entry> projects = new LinkedHashMap<>(16, 0.75f, true);
  private int size;

  private static final class Entry {
    final long version;
    final Map<UUID, LinkJson.Tag> tags = new HashMap<>();

    Entry(long version) {
      this.version = version;
    }
  }

  public TagDictionary(int maxTags) {
    this.maxTags = maxTags;
  }

  /**
   * Puts the tags this dictionary holds for the project at {@code version} among {@code ids} into {@code into}, and
   * returns the ids it cannot answer for: all of them if it holds another version of the project (or none), else
   * the ones never fetched. Ids known to be absent are neither put nor returned.
   */
  public List<UUID> lookup(UUID project, long version, Collection<UUID> ids, Map<UUID, LinkJson.Tag> into) {
    Entry e = projects.get(project);
    if (e == null || e.version != version) {
      return new ArrayList<>(ids);
    }
    List<UUID> missing = new ArrayList<>();
    for (UUID id : ids) {
      LinkJson.Tag t = e.tags.get(id);
      if (t == null) {
        missing.add(id);
      } else if (t != ABSENT) {
        into.put(id, t);
      }
    }
    return missing;
  }

  /**
   * Files what a fetch of {@code asked} found for the project, read after a page statement that saw {@code version}.
   * Ids asked and not found are filed as absent. Ignored if a newer version is already held.
   */
  public void put(UUID project, long version, Collection<UUID> asked, Map<UUID, LinkJson.Tag> found) {
    Entry e = projects.get(project);
    if (e != null && e.version > version) {
      return;
    }
    if (e == null || e.version < version) {
      if (e != null) {
        size -= e.tags.size();
      }
      e = new Entry(version);
      projects.put(project, e);
    }
    for (UUID id : asked) {
      LinkJson.Tag t = found.get(id);
      if (e.tags.put(id, t == null ? ABSENT : t) == null) {
        size++;
      }
    }
    if (e.tags.size() > maxTags) {
      size -= e.tags.size();
      projects.remove(project);
    }
    Iterator<Map.Entry<UUID, Entry>> eldest = projects.entrySet().iterator();
    while (size > maxTags && eldest.hasNext()) {
      size -= eldest.next().getValue().tags.size();
      eldest.remove();
    }
  }

  /** Entries held, for tests. */
  int size() {
    return size;
  }
}
