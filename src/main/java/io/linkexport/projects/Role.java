package io.linkexport.projects;

import java.util.Locale;

/**
 * A member's role in a project, and what it allows with exports (README, "Roles"). Every role lists and counts the
 * project's links. Exports are bulk copies of the project's data that leave the product (a file, a 7-day link that
 * anyone holding it can use), so they need more than a read-only seat:
 * <ul>
 *   <li>{@code viewer}: no export at all (not started, listed, read, downloaded or cancelled);</li>
 *   <li>{@code member}: starts exports, reads and downloads the project's exports, cancels its own;</li>
 *   <li>{@code admin}, {@code owner}: also cancel anyone's export.</li>
 * </ul>
 */
public enum Role {
  OWNER, ADMIN, MEMBER, VIEWER;

  /** The role named in {@code project_members.role}; an unknown name (a newer schema) gets the least rights. */
  public static Role of(String name) {
    try {
      return name == null ? VIEWER : valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return VIEWER;
    }
  }

  /** May start, list, read and download the project's exports. */
  public boolean usesExports() {
    return this != VIEWER;
  }

  /** May cancel an export another member started. */
  public boolean managesOthersExports() {
    return this == OWNER || this == ADMIN;
  }
}
