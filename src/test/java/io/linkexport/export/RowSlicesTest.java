package io.linkexport.export;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the export's one cursor is cut into its files, without a database: a cursor is a list read in batches. */
class RowSlicesTest {

  /** A cursor over {@code rows} integers in batches of {@code size}; counts its reads. */
  private static class Cursor implements Supplier<Future<RowSlices.Batch<Integer>>> {
    private final int rows;
    private final int size;
    private int next;
    int reads;

    Cursor(int rows, int size) {
      this.rows = rows;
      this.size = size;
    }

    @Override
    public Future<RowSlices.Batch<Integer>> get() {
      reads++;
      int end = Math.min(rows, next + size);
      List<Integer> batch = IntStream.range(next, end).boxed().toList();
      next = end;
      return Future.succeededFuture(new RowSlices.Batch<>(batch, batch.size() < size));
    }
  }

  /** Every row of a slice, batch by batch, as the pump reads it: until a batch says it is the last. */
  private static List<List<Integer>> drain(RowSlices<Integer>.Slice slice) {
    List<List<Integer>> batches = new ArrayList<>();
    RowSlices.Batch<Integer> b;
    do {
      b = slice.read().result();
      batches.add(List.copyOf(b.rows()));
    } while (!b.last());
    return batches;
  }

  /** Verifies that files take their counted rows in order, a batch straddling two files is cut, the last the rest. */
  @Test
  void eachFileTakesItsRowsAndABatchAcrossTwoFilesIsCut() {
    Cursor cursor = new Cursor(10, 4);
    RowSlices<Integer> slices = new RowSlices<>(cursor, null);
    assertThat(drain(slices.next(3, 0))).containsExactly(List.of(0, 1, 2));
    assertThat(drain(slices.next(3, 0))).containsExactly(List.of(3), List.of(4, 5));
    assertThat(drain(slices.rest(0))).containsExactly(List.of(6, 7), List.of(8, 9));
    assertThat(cursor.reads).isEqualTo(3);
  }

  /** Verifies that a file ending on a batch's last row leaves nothing over and the next file reads on. */
  @Test
  void aFileEndingWithABatchLeavesNothingOver() {
    RowSlices<Integer> slices = new RowSlices<>(new Cursor(8, 4), null);
    assertThat(drain(slices.next(4, 0))).containsExactly(List.of(0, 1, 2, 3));
    assertThat(drain(slices.next(4, 0))).containsExactly(List.of(4, 5, 6, 7));
    assertThat(drain(slices.rest(0))).containsExactly(List.of());
  }

  /** Verifies that a cursor ending early leaves the file short (the pump's count check refuses it). */
  @Test
  void aCursorEndingEarlyLeavesTheFileShort() {
    RowSlices<Integer> slices = new RowSlices<>(new Cursor(5, 4), null);
    assertThat(drain(slices.next(3, 0))).containsExactly(List.of(0, 1, 2));
    assertThat(drain(slices.next(3, 0))).containsExactly(List.of(3), List.of(4));
    assertThat(drain(slices.rest(0))).containsExactly(List.of());
  }

  /** Verifies that the last file reads every row the cursor still has: a row no count saw shows in its count. */
  @Test
  void theLastFileTakesEveryRowLeft() {
    RowSlices<Integer> slices = new RowSlices<>(new Cursor(7, 4), null);
    assertThat(drain(slices.next(2, 0))).containsExactly(List.of(0, 1));
    assertThat(drain(slices.rest(0)).stream().mapToInt(List::size).sum()).isEqualTo(5);
  }

  /** Verifies that a file cannot start before the previous one has all of its rows, nor read past them. */
  @Test
  void filesAreReadOneAfterTheOther() {
    RowSlices<Integer> slices = new RowSlices<>(new Cursor(10, 4), null);
    RowSlices<Integer>.Slice first = slices.next(6, 0);
    first.read();
    assertThatThrownBy(() -> slices.next(2, 0)).isInstanceOf(IllegalStateException.class);
    first.read();
    assertThat(first.read().failed()).isTrue();
    assertThat(drain(slices.rest(0))).containsExactly(List.of(6, 7), List.of(8, 9));
  }

  /** A cursor whose rows are their file numbers, in file order: {@code counts[i]} rows of file i + 1. */
  private static Cursor files(int... counts) {
    return new Cursor(0, 4) {
      private final List<Integer> values = new ArrayList<>();

      {
        for (int f = 0; f < counts.length; f++) {
          for (int i = 0; i < counts[f]; i++) {
            values.add(f + 1);
          }
        }
      }

      private int at;

      @Override
      public Future<RowSlices.Batch<Integer>> get() {
        reads++;
        List<Integer> batch = values.subList(at, Math.min(values.size(), at + 4));
        at += batch.size();
        return Future.succeededFuture(new RowSlices.Batch<>(batch, batch.size() < 4));
      }
    };
  }

  private static int size(List<List<Integer>> batches) {
    return batches.stream().mapToInt(List::size).sum();
  }

  /**
   * Verifies that a file the cursor holds fewer rows of than counted ends short at the next file's first row, and
   * the files after it still take their own rows: the pump's count check refuses the short file.
   */
  @Test
  void aFileWithFewerRowsThanCountedEndsShortAtTheNextFile() {
    RowSlices<Integer> slices = new RowSlices<>(files(3, 2, 3), r -> r);
    assertThat(drain(slices.next(3, 1))).containsExactly(List.of(1, 1, 1));
    List<List<Integer>> second = drain(slices.next(3, 2));
    assertThat(size(second)).as("counted 3, holds 2").isEqualTo(2);
    assertThat(second.stream().flatMap(List::stream)).containsOnly(2);
  }

  /** Verifies that a file with more rows than counted leaves its extra row to the next file, which ends short. */
  @Test
  void aFileWithMoreRowsThanCountedMakesTheNextFileShort() {
    RowSlices<Integer> slices = new RowSlices<>(files(3, 2, 3), r -> r);
    assertThat(drain(slices.next(2, 1))).containsExactly(List.of(1, 1));
    assertThat(size(drain(slices.next(2, 2)))).as("starts at file 1's extra row").isZero();
  }

  /** Verifies that parts of one day (one file number) are cut by their counts, and the last file takes the rest. */
  @Test
  void partsOfOneFileNumberAreCutByCount() {
    RowSlices<Integer> slices = new RowSlices<>(files(2, 6, 1), r -> r);
    assertThat(size(drain(slices.next(2, 1)))).isEqualTo(2);
    assertThat(size(drain(slices.next(3, 2)))).isEqualTo(3);
    assertThat(size(drain(slices.next(3, 2)))).isEqualTo(3);
    assertThat(drain(slices.rest(3)).stream().flatMap(List::stream)).containsExactly(3);
  }

  /**
   * Verifies that the last file fails on a row of another file: a file before it long by one row and the last short
   * by one would otherwise add up to the last file's count.
   */
  @Test
  void theLastFileFailsOnARowOfAnotherFile() {
    RowSlices<Integer> slices = new RowSlices<>(files(3, 3), r -> r);
    assertThat(size(drain(slices.next(2, 1)))).isEqualTo(2);
    assertThat(slices.rest(2).read().cause()).isInstanceOf(ExportFailure.class)
      .hasMessageContaining("another file");
  }
}
