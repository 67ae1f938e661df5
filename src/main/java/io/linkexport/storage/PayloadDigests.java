package io.linkexport.storage;

import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** The digests a request body is sent with: Content-MD5 and the signed SHA-256 of the payload. */
final class PayloadDigests {

  private PayloadDigests() {
  }

  /**
   * [Content-MD5 (base64), SHA-256 (hex)] of a body, read in 64 KiB slices: a 5 MiB part is not copied whole (two
   * exports with two parts in flight each would otherwise hold four extra copies).
   */
  static String[] of(Buffer body) throws NoSuchAlgorithmException {
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] slice = new byte[Math.min(body.length(), 64 * 1024)];
    for (int at = 0, n = body.length(); at < n; at += slice.length) {
      int len = Math.min(slice.length, n - at);
      body.getBytes(at, at + len, slice, 0);
      md5.update(slice, 0, len);
      sha.update(slice, 0, len);
    }
    return new String[] {Base64.getEncoder().encodeToString(md5.digest()), HexFormat.of().formatHex(sha.digest())};
  }

  static String sha256Hex(Buffer body) {
    if (body == null || body.length() == 0) {
      return S3Signer.EMPTY_SHA256;
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
  }
}
