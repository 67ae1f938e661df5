package io.linkexport.docs;

import io.linkexport.AppConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's configuration table lists exactly the keys {@link AppConfig} reads. */
class ConfigDocsTest {

  private static final Pattern KEY = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

  @Test
  void theConfigurationTableListsEveryKeyTheCodeReads() throws Exception {
    Set<String> keys = new TreeSet<>();
    for (Field f : AppConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        keys.add((String) f.get(null));
      }
    }
    String readme = Files.readString(Path.of("README.md"));
    String section = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## Clustering"));
    Set<String> documented = new TreeSet<>();
    for (String line : section.split("\n")) {
      if (line.startsWith("| `")) {
        Matcher m = KEY.matcher(line.substring(0, line.indexOf(" |", 2)));
        while (m.find()) {
          documented.add(m.group(1));
        }
      }
    }
    assertThat(documented).as("keys in the README's configuration table").isEqualTo(keys);
  }
}
