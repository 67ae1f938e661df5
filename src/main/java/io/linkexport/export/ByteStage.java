package io.linkexport.export;

import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Between the encoder and the part buffers of an {@link UploadSink}: where encoded rows are written, and how they
 * reach the part that is uploaded. {@link #IDENTITY} lets the encoder write into the part itself; {@link #gzip()}
 * stages the rows and compresses each 64 KiB into the part, so a compressed export streams like any other: memory is
 * the stage, the deflater's window and the part buffers, whatever the row count.
 */
interface ByteStage {

  /** Rows go straight into the part. */
  ByteStage IDENTITY = new ByteStage() {
    @Override
    public Buffer target(Buffer part) {
      return part;
    }

    @Override
    public void written(Buffer part) {
      // nothing staged
    }

    @Override
    public void finish(Buffer part) {
      // nothing staged
    }

    @Override
    public void close() {
      // nothing held
    }
  };

  /** Where the encoder writes the next row, given the part being filled. */
  Buffer target(Buffer part);

  /** After a row: moves staged bytes into the part when enough are staged. */
  void written(Buffer part);

  /** At the end of the file: moves everything into the part, with the format's trailer. */
  void finish(Buffer part);

  /** Releases what the stage holds outside the heap (after the end, or when the sink fails). */
  void close();

  /** A gzip member (RFC 1952), written through the JDK's deflater at {@link Gzip#LEVEL}. */
  static ByteStage gzip() {
    return new Gzip();
  }

  /** gzip: rows staged in 64 KiB, deflated into the part being filled. */
  final class Gzip implements ByteStage {

    /**
     * zlib level 1: the export must stay within 1.5x of an uncompressed one, and level 6 (the default) costs about
     * three times the CPU of level 1 for files some 15% smaller on this data (docs/benchmarks.md, "gzip level").
     */
    static final int LEVEL = Deflater.BEST_SPEED;
    private static final int STAGE = 64 * 1024;

    /** The deflater's output goes into whichever part is being filled. */
    private final class PartStream extends OutputStream {
      private Buffer part;

      @Override
      public void write(int b) {
        part.appendByte((byte) b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        part.appendBytes(b, off, len);
      }
    }

    private final PartStream sink = new PartStream();
    /** The gzip header, which the stream writes when it is made, before any part is being filled. */
    private Buffer header = Buffer.buffer(16);
    private final GZIPOutputStream gzip;
    private Buffer staged = Buffer.buffer(STAGE + 8 * 1024);
    private boolean closed;

    Gzip() {
      sink.part = header;
      try {
        gzip = new GZIPOutputStream(sink, STAGE) {
          {
            def.setLevel(LEVEL);
          }
        };
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Buffer target(Buffer part) {
      return staged;
    }

    @Override
    public void written(Buffer part) {
      if (staged.length() >= STAGE) {
        deflate(part);
      }
    }

    @Override
    public void finish(Buffer part) {
      deflate(part);
      into(part);
      try {
        gzip.finish();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      close();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        sink.part = Buffer.buffer(); // after a failure the trailer close() writes is discarded
        try {
          gzip.close(); // ends the deflater: its native memory is freed now, not by a later GC
        } catch (IOException e) {
          // nothing was written since finish(), or the sink failed: the output is discarded anyway
        }
        staged = Buffer.buffer(0);
      }
    }

    /** The deflater writes into {@code part} from now on, after the header if it has not gone out yet. */
    private void into(Buffer part) {
      if (header != null) {
        part.appendBuffer(header);
        header = null;
      }
      sink.part = part;
    }

    private void deflate(Buffer part) {
      if (staged.length() == 0) {
        return;
      }
      into(part);
      try {
        gzip.write(staged.getBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      staged = Buffer.buffer(STAGE + 8 * 1024);
    }
  }
}
