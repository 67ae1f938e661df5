package io.linkexport.export;

import io.linkexport.links.IsoTime;
import io.vertx.core.buffer.Buffer;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Arrays;

/**
 * One row's bytes, built in an array the encoder reuses and handed to the part in one copy ({@link #appendTo}).
 * Why not straight into the part {@link Buffer}: each append there is a bounds and reference-count check, and text
 * went through a new {@code byte[]} per cell and timestamp; the threads that encode allocated 463 bytes per row, 200
 * now, most of it the part buffers themselves (docs/benchmarks.md, "Less work per row"). Text is encoded here without
 * an intermediate array: ASCII byte by byte, other text as UTF-8 exactly as {@code String.getBytes(UTF_8)} writes it
 * (an unpaired surrogate as {@code ?}). An array grown past {@link #KEEP} by one long row is let go at the next
 * {@link #clear}, so one huge cell does not stay held for the rest of the export. Not thread-safe: one per encoder.
 */
final class RowBytes {

  /** The largest array kept between rows. */
  static final int KEEP = 64 * 1024;

  private final int initial;
  private byte[] b;
  private int n;

  RowBytes(int capacity) {
    initial = Math.max(capacity, 64);
    b = new byte[initial];
  }

  /** Empties it for the next row (the array is kept unless a long row grew it past {@link #KEEP}). */
  RowBytes clear() {
    n = 0;
    if (b.length > KEEP) {
      b = new byte[initial];
    }
    return this;
  }

  int length() {
    return n;
  }

  /** The array's size (tests: what it holds between rows). */
  int capacity() {
    return b.length;
  }

  /** A copy of the bytes so far. */
  byte[] copy() {
    return Arrays.copyOf(b, n);
  }

  /** Appends the row to {@code out} in one copy. */
  void appendTo(Buffer out) {
    out.appendBytes(b, 0, n);
  }

  RowBytes put(char c) {
    room(1);
    b[n++] = (byte) c;
    return this;
  }

  RowBytes bytes(byte[] x) {
    room(x.length);
    System.arraycopy(x, 0, b, n, x.length);
    n += x.length;
    return this;
  }

  /** Text known to be ASCII (digits, a UUID, a plain cell), a byte per char. */
  RowBytes ascii(String s) {
    int len = s.length();
    room(len);
    for (int i = 0; i < len; i++) {
      b[n++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** Any text as UTF-8; with {@code doubleQuotes} every {@code "} is written twice (a quoted CSV field). */
  RowBytes utf8(String s, boolean doubleQuotes) {
    int len = s.length();
    room(len * 3 + (doubleQuotes ? len : 0));
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[n++] = (byte) c;
        if (c == '"' && doubleQuotes) {
          b[n++] = '"';
        }
      } else if (c < 0x800) {
        b[n++] = (byte) (0xC0 | (c >> 6));
        b[n++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[n++] = (byte) (0xF0 | (cp >> 18));
        b[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[n++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        b[n++] = '?';
      } else {
        b[n++] = (byte) (0xE0 | (c >> 12));
        b[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[n++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return this;
  }

  /** A whole number in decimal, without a {@code String}. */
  RowBytes number(long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        return ascii(Long.toString(v));
      }
      put('-');
      v = -v;
    }
    int digits = 1;
    for (long p = v; p >= 10; p /= 10) {
      digits++;
    }
    room(digits);
    for (int i = n + digits - 1; i >= n; i--) {
      b[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    n += digits;
    return this;
  }

  /** A timestamp as the files write it ({@link IsoTime#bytes(OffsetDateTime, ZoneId)}); nothing for null. */
  RowBytes time(OffsetDateTime t, ZoneId zone) {
    if (t != null) {
      room(IsoTime.MAX_BYTES);
      n += IsoTime.into(b, n, t, zone);
    }
    return this;
  }

  private void room(int more) {
    if (n + more > b.length) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
    }
  }
}
