package io.linkexport.links;

import io.linkexport.bus.ServiceException;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Which rows of a page's statement make the page, in the order they are shown, and the page's cursors: the ids a
 * client passes as {@code startingAfter} (nextCursor, the page's last link, when links follow it) or
 * {@code endingBefore} (prevCursor, its first link, when links precede it). The statement asks for one row more than
 * the page, which tells whether more follow; a cursor page's statement also returns the cursor's own row first
 * ({@link Keyset}), or not at all when the cursor is not a link of the project that the filters keep: a 400 naming the
 * parameter. Travelling backwards the rows come in reverse order and are turned around here.
 *
 * @param rows indexes into the statement's rows, in the order shown
 */
public record PageWindow(List<Integer> rows, UUID nextCursor, UUID prevCursor) {

  /** True when links follow this page in the sort. */
  public boolean hasMore() {
    return nextCursor != null;
  }

  /** An offset page: {@code ids} are the statement's rows (at most pageSize + 1); {@code first}: no rows before it. */
  static PageWindow offset(List<UUID> ids, int pageSize, boolean first) {
    int n = Math.min(pageSize, ids.size());
    List<Integer> rows = range(0, n);
    UUID next = ids.size() > pageSize ? ids.get(n - 1) : null;
    UUID prev = first || n == 0 ? null : ids.get(0);
    return new PageWindow(rows, next, prev);
  }

  /** The page after {@code cursor}: {@code ids} start with the cursor's row, then at most pageSize + 1 rows. */
  static PageWindow after(List<UUID> ids, int pageSize, UUID cursor) {
    requireCursor(ids, cursor, FilterParam.STARTING_AFTER);
    int n = Math.min(pageSize, ids.size() - 1);
    List<Integer> rows = range(1, 1 + n);
    UUID next = ids.size() > pageSize + 1 ? ids.get(n) : null;
    UUID prev = n == 0 ? null : ids.get(1); // the cursor precedes the page
    return new PageWindow(rows, next, prev);
  }

  /** The page before {@code cursor}: {@code ids} (in reverse order) start with the cursor's row. */
  static PageWindow before(List<UUID> ids, int pageSize, UUID cursor) {
    requireCursor(ids, cursor, FilterParam.ENDING_BEFORE);
    int n = Math.min(pageSize, ids.size() - 1);
    List<Integer> rows = new ArrayList<>(n);
    for (int i = n; i >= 1; i--) {
      rows.add(i);
    }
    UUID next = n == 0 ? null : ids.get(1); // the cursor follows the page
    UUID prev = ids.size() > pageSize + 1 ? ids.get(n) : null;
    return new PageWindow(rows, next, prev);
  }

  private static void requireCursor(List<UUID> ids, UUID cursor, FilterParam param) {
    if (ids.isEmpty() || !ids.get(0).equals(cursor)) {
      throw ServiceException.badRequest(param.param(), param.param() + " " + cursor + " is not a link of this project"
        + " that these filters keep (deleted, another project's, or filtered out): page from a link of this list");
    }
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> out = new ArrayList<>(Math.max(0, to - from));
    for (int i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }
}
