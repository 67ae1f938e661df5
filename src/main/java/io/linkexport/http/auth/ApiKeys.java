package io.linkexport.http.auth;

import io.linkexport.db.SqlStatements;
import io.linkexport.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * SDK API keys: {@code lx_} + 32 random bytes (base64url). Only the key's SHA-256 is stored, so a database leak
 * does not leak usable keys; the look-up is by hash, so there is no secret comparison to time.
 */
public final class ApiKeys {

  public static final String PREFIX = "lx_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public ApiKeys(Pool pool) {
    this.pool = pool;
  }

  /** Creates a key for a project and answers its plaintext (shown once, never stored). */
  public static Future<String> create(Pool pool, UUID projectId, String name) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    return pool.preparedQuery(SqlStatements.get("api_key_insert"))
      .execute(Tuple.of(projectId, name, key.substring(0, 8), Buffer.buffer(sha256(key))))
      .map(key);
  }

  /** The project of a live key; 401 for an unknown or revoked key. */
  public Future<UUID> resolve(String key) {
    if (key.length() > 100) {
      return Future.failedFuture(ServiceException.unauthorized("invalid API key"));
    }
    return pool.preparedQuery(SqlStatements.get("api_key_resolve")).execute(Tuple.of(Buffer.buffer(sha256(key))))
      .compose(rows -> rows.size() == 0
        ? Future.failedFuture(ServiceException.unauthorized("invalid API key"))
        : Future.succeededFuture(rows.iterator().next().getUUID(0)));
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
