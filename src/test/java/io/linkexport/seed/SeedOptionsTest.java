package io.linkexport.seed;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seed command's arguments: defaults, every flag, and messages that name the bad argument. */
class SeedOptionsTest {

  @Test
  void defaultsMakeANewProProjectWithoutAName() {
    SeedOptions o = SeedOptions.parse(List.of("--links", "1_000", "--clicks", "5"));
    assertThat(o.links()).isEqualTo(1000);
    assertThat(o.clicks()).isEqualTo(5);
    assertThat(o.plan()).isEqualTo("pro");
    assertThat(o.project()).isNull();
    assertThat(o.user()).isNull();
    assertThat(o.name()).isNull();
  }

  @Test
  void everyFlagIsRead() {
    UUID project = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    SeedOptions o = SeedOptions.parse(List.of("--links", "10", "--clicks", "0", "--project", project.toString(),
      "--user", user.toString(), "--plan", "FREE", "--name", "  Acme Shop  "));
    assertThat(o.project()).isEqualTo(project);
    assertThat(o.user()).isEqualTo(user);
    assertThat(o.plan()).isEqualTo("free");
    assertThat(o.name()).isEqualTo("Acme Shop");
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> SeedOptions.parse(List.of("--links", "1", "--clicks", "1", "--name", " ")))
      .hasMessageContaining("--name").hasMessageContaining("usage: seed");
    assertThatThrownBy(() -> SeedOptions.parse(List.of("--links", "1", "--clicks", "1", "--plan", "gold")))
      .hasMessageContaining("--plan");
    assertThatThrownBy(() -> SeedOptions.parse(List.of("--links", "-1", "--clicks", "1")))
      .hasMessageContaining("--links");
    assertThatThrownBy(() -> SeedOptions.parse(List.of("--links")))
      .hasMessageContaining("--links needs a value");
    assertThatThrownBy(() -> SeedOptions.parse(List.of("--links", "1")))
      .hasMessageContaining("--links and --clicks are required");
    assertThatThrownBy(() -> SeedOptions.parse(List.of("--links", "1", "--clicks", "1", "--colour", "red")))
      .hasMessageContaining("unknown argument --colour");
  }
}
