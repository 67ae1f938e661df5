package io.linkexport.links;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TagDictionaryTest {

  private final UUID project = UUID.randomUUID();
  private final UUID a = UUID.randomUUID();
  private final UUID b = UUID.randomUUID();
  private final LinkJson.Tag tagA = new LinkJson.Tag(a.toString(), "Alpha", "red");
  private final LinkJson.Tag tagB = new LinkJson.Tag(b.toString(), "Beta", null);

  @Test
  void answersOnlyForTheVersionItWasFilledAt() {
    TagDictionary d = new TagDictionary(100);
    Map<UUID, LinkJson.Tag> into = new HashMap<>();
    assertThat(d.lookup(project, 3, List.of(a, b), into)).containsExactly(a, b);

    d.put(project, 3, List.of(a, b), Map.of(a, tagA, b, tagB));
    assertThat(d.lookup(project, 3, List.of(a, b), into)).isEmpty();
    assertThat(into).containsOnly(Map.entry(a, tagA), Map.entry(b, tagB));

    // A rename anywhere in the project bumps its version: nothing held answers for it.
    into.clear();
    assertThat(d.lookup(project, 4, List.of(a), into)).containsExactly(a);
    assertThat(into).isEmpty();
    assertThat(d.lookup(UUID.randomUUID(), 3, List.of(a), into)).as("another project").containsExactly(a);
  }

  @Test
  void remembersIdsThatAreNotTagsOfTheProject() {
    TagDictionary d = new TagDictionary(100);
    UUID foreign = UUID.randomUUID();
    d.put(project, 1, List.of(a, foreign), Map.of(a, tagA));
    Map<UUID, LinkJson.Tag> into = new HashMap<>();
    assertThat(d.lookup(project, 1, List.of(a, foreign), into)).as("neither needs a fetch").isEmpty();
    assertThat(into).containsOnlyKeys(a);
  }

  @Test
  void aNewerVersionReplacesTheOldEntriesAndAnOlderOneIsIgnored() {
    TagDictionary d = new TagDictionary(100);
    d.put(project, 5, List.of(a), Map.of(a, tagA));
    LinkJson.Tag renamed = new LinkJson.Tag(a.toString(), "Aardvark", "red");
    d.put(project, 6, List.of(a), Map.of(a, renamed));
    // A page that read version 5 before the rename finishes its fetch late: it must not file under 6 or bring 5 back.
    d.put(project, 5, List.of(a, b), Map.of(a, tagA, b, tagB));

    Map<UUID, LinkJson.Tag> into = new HashMap<>();
    assertThat(d.lookup(project, 6, List.of(a, b), into)).containsExactly(b);
    assertThat(into).containsOnly(Map.entry(a, renamed));
    assertThat(d.lookup(project, 5, List.of(a), into)).containsExactly(a);
    assertThat(d.size()).isEqualTo(1);
  }

  @Test
  void staysWithinItsBoundDroppingTheLeastRecentlyUsedProjects() {
    TagDictionary d = new TagDictionary(4);
    UUID p1 = UUID.randomUUID();
    UUID p2 = UUID.randomUUID();
    UUID p3 = UUID.randomUUID();
    d.put(p1, 1, List.of(UUID.randomUUID(), UUID.randomUUID()), Map.of());
    d.put(p2, 1, List.of(a, b), Map.of(a, tagA, b, tagB));
    d.lookup(p1, 1, List.of(), new HashMap<>()); // p1 is now the most recently used
    d.put(p3, 1, List.of(UUID.randomUUID()), Map.of());

    assertThat(d.size()).isEqualTo(3);
    assertThat(d.lookup(p2, 1, List.of(a), new HashMap<>())).as("p2 was evicted").containsExactly(a);

    // One project with more tags than the bound is not kept at all.
    TagDictionary small = new TagDictionary(2);
    small.put(project, 1, List.of(a, b, UUID.randomUUID()), Map.of(a, tagA, b, tagB));
    assertThat(small.size()).isZero();
    assertThat(small.lookup(project, 1, List.of(a), new HashMap<>())).containsExactly(a);
  }
}
