package io.linkexport.links;

import io.linkexport.bus.ServiceException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which rows make a page and what its cursors are, for offset pages and both directions of cursor paging. */
class PageWindowTest {

  private static List<UUID> ids(int n) {
    List<UUID> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new UUID(0, i));
    }
    return out;
  }

  @Test
  void anOffsetPageDropsTheExtraRowAndPointsToItsEnds() {
    List<UUID> rows = ids(4); // pageSize 3 + the row that says more follow
    PageWindow first = PageWindow.offset(rows, 3, true);
    assertThat(first.rows()).containsExactly(0, 1, 2);
    assertThat(first.nextCursor()).isEqualTo(rows.get(2));
    assertThat(first.prevCursor()).isNull();
    assertThat(first.hasMore()).isTrue();
    PageWindow later = PageWindow.offset(ids(2), 3, false);
    assertThat(later.rows()).containsExactly(0, 1);
    assertThat(later.nextCursor()).isNull();
    assertThat(later.prevCursor()).isEqualTo(new UUID(0, 0));
    PageWindow past = PageWindow.offset(List.of(), 3, false);
    assertThat(past.rows()).isEmpty();
    assertThat(past.prevCursor()).isNull();
    assertThat(past.hasMore()).isFalse();
  }

  @Test
  void aPageAfterACursorStartsBehindItsRow() {
    List<UUID> rows = ids(5); // the cursor, pageSize 3, one more
    PageWindow page = PageWindow.after(rows, 3, rows.get(0));
    assertThat(page.rows()).containsExactly(1, 2, 3);
    assertThat(page.prevCursor()).isEqualTo(rows.get(1));
    assertThat(page.nextCursor()).isEqualTo(rows.get(3));
    PageWindow last = PageWindow.after(ids(3), 3, new UUID(0, 0));
    assertThat(last.rows()).containsExactly(1, 2);
    assertThat(last.nextCursor()).isNull();
    PageWindow empty = PageWindow.after(ids(1), 3, new UUID(0, 0));
    assertThat(empty.rows()).isEmpty();
    assertThat(empty.nextCursor()).isNull();
    assertThat(empty.prevCursor()).isNull();
  }

  /** Travelling backwards the statement returns the cursor, then the rows before it nearest first: turned around. */
  @Test
  void aPageBeforeACursorIsTurnedAround() {
    List<UUID> rows = ids(5);
    PageWindow page = PageWindow.before(rows, 3, rows.get(0));
    assertThat(page.rows()).containsExactly(3, 2, 1);
    assertThat(page.nextCursor()).isEqualTo(rows.get(1));
    assertThat(page.prevCursor()).isEqualTo(rows.get(3));
    PageWindow first = PageWindow.before(ids(3), 3, new UUID(0, 0));
    assertThat(first.rows()).containsExactly(2, 1);
    assertThat(first.prevCursor()).isNull();
    assertThat(first.hasMore()).isTrue();
  }

  /** The cursor's row comes first when the filters keep it; anything else is a 400 naming the parameter. */
  @Test
  void aCursorThatIsNotInTheListIsA400NamingIt() {
    UUID cursor = UUID.randomUUID();
    assertThatThrownBy(() -> PageWindow.after(ids(3), 2, cursor)).isInstanceOfSatisfying(ServiceException.class,
      e -> {
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.field()).isEqualTo("startingAfter");
        assertThat(e.getMessage()).contains(cursor.toString());
      });
    assertThatThrownBy(() -> PageWindow.before(List.of(), 2, cursor)).isInstanceOfSatisfying(ServiceException.class,
      e -> assertThat(e.field()).isEqualTo("endingBefore"));
  }
}
