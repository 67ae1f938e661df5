package io.linkexport.seed;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * The arguments of {@code seed}: {@code --links N --clicks M [--project UUID] [--plan free|starter|pro|enterprise]
 * [--user UUID] [--name TEXT]}. {@code project}, {@code user} and {@code name} are null when not given (a new project
 * and user are made; the project is named "Seeded project" and a run token).
 */
public record SeedOptions(long links, long clicks, UUID project, String plan, UUID user, String name) {

  public static final String USAGE = "usage: seed --links N --clicks M [--project UUID]"
    + " [--plan free|starter|pro|enterprise] [--user UUID] [--name TEXT]";

  private static final Set<String> PLANS = Set.of("free", "starter", "pro", "enterprise");

  /** Parses the arguments; throws {@link IllegalArgumentException} with a message that names the bad argument. */
  public static SeedOptions parse(List<String> args) {
    Long links = null;
    Long clicks = null;
    UUID project = null;
    UUID user = null;
    String plan = "pro";
    String name = null;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) {
        throw bad(flag + " needs a value");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--links" -> links = count(flag, value);
        case "--clicks" -> clicks = count(flag, value);
        case "--project" -> project = uuid(flag, value);
        case "--user" -> user = uuid(flag, value);
        case "--plan" -> plan = plan(value);
        case "--name" -> name = name(value);
        default -> throw bad("unknown argument " + flag);
      }
    }
    if (links == null || clicks == null) {
      throw bad("--links and --clicks are required");
    }
    if (links == 0 && clicks > 0 && project == null) {
      throw bad("--clicks needs links: give --links > 0 or an existing --project");
    }
    return new SeedOptions(links, clicks, project, plan, user, name);
  }

  private static long count(String flag, String value) {
    try {
      long n = Long.parseLong(value.replace("_", ""));
      if (n < 0) {
        throw bad(flag + " must be 0 or more, got " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw bad(flag + " must be a whole number, got '" + value + "'");
    }
  }

  private static UUID uuid(String flag, String value) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw bad(flag + " must be a UUID, got '" + value + "'");
    }
  }

  private static String name(String value) {
    String n = value.strip();
    if (n.isEmpty() || n.length() > 200) {
      throw bad("--name must be 1 to 200 characters");
    }
    return n;
  }

  private static String plan(String value) {
    String p = value.toLowerCase(Locale.ROOT);
    if (!PLANS.contains(p)) {
      throw bad("--plan must be one of free, starter, pro, enterprise, got '" + value + "'");
    }
    return p;
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException(message + "\n" + USAGE);
  }
}
