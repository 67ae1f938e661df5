package io.linkexport.export;

import io.linkexport.bus.ServiceException;

import java.util.Arrays;
import java.util.List;

/**
 * What an export over the per-file cap does ({@code split}): {@code none} fails it with the cap's message (the
 * specified behaviour), {@code auto} writes several files, each under the cap, cut by creation date, plus a manifest
 * ({@link SplitPlan}; README, "Split at the cap").
 */
public enum Split {
  NONE("none"),
  AUTO("auto");

  /** The request field. */
  public static final String FIELD = "split";

  private final String id;

  Split(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The split of that id; null means {@link #NONE}; anything else is a 400 naming {@code split}. */
  public static Split parse(Object value) {
    if (value == null) {
      return NONE;
    }
    for (Split s : values()) {
      if (s.id.equals(value)) {
        return s;
      }
    }
    throw ServiceException.badRequest(FIELD, "split must be one of " + String.join(", ", ids()));
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(Split::id).toList();
  }
}
