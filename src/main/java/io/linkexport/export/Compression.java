package io.linkexport.export;

import io.linkexport.bus.ServiceException;

import java.util.Arrays;
import java.util.List;

/**
 * How an export's files are compressed ({@code compression}). A gzip file is streamed like any other (constant memory,
 * multipart) and served as what it is: {@code application/gzip}, named {@code .csv.gz}, without a Content-Encoding, so
 * a browser saves the very bytes whose size and SHA-256 the job reports instead of unpacking them into a file still
 * named {@code .gz}.
 */
public enum Compression {
  NONE("none", ""),
  GZIP("gzip", ".gz");

  /** The request field. */
  public static final String FIELD = "compression";

  private final String id;
  private final String suffix;

  Compression(String id, String suffix) {
    this.id = id;
    this.suffix = suffix;
  }

  public String id() {
    return id;
  }

  /** What the file name gets after the format's extension. */
  public String suffix() {
    return suffix;
  }

  /** The download's Content-Type: the format's, or the compression's. */
  public String contentType(FileFormat format) {
    return this == GZIP ? "application/gzip" : format.contentType();
  }

  /** The compression of that id; null means {@link #NONE}; anything else is a 400 naming {@code compression}. */
  public static Compression parse(Object value) {
    if (value == null) {
      return NONE;
    }
    for (Compression c : values()) {
      if (c.id.equals(value)) {
        return c;
      }
    }
    throw ServiceException.badRequest(FIELD, "compression must be one of " + String.join(", ", ids()));
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(Compression::id).toList();
  }
}
