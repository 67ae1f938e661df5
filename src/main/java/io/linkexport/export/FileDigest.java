package io.linkexport.export;

import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The size and SHA-256 of a file, fed with its parts in order as they leave for S3: the bytes S3 stores and a
 * download serves. Read in 64 KiB slices, so a 5 MiB part is never copied whole.
 */
final class FileDigest {

  private final MessageDigest sha256;
  private final byte[] slice = new byte[64 * 1024];
  private long bytes;
  private String hex;

  FileDigest() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
  }

  /** The next bytes of the file. */
  void update(Buffer part) {
    bytes += part.length();
    for (int at = 0, n = part.length(); at < n; at += slice.length) {
      int len = Math.min(slice.length, n - at);
      part.getBytes(at, at + len, slice, 0);
      sha256.update(slice, 0, len);
    }
  }

  /** Ends the file: its SHA-256, lowercase hex. */
  String finish() {
    if (hex == null) {
      hex = HexFormat.of().formatHex(sha256.digest());
    }
    return hex;
  }

  /** Bytes so far. */
  long bytes() {
    return bytes;
  }

  /** The SHA-256, once {@link #finish} ran; null before. */
  String hex() {
    return hex;
  }
}
