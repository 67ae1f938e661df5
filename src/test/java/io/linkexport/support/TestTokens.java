package io.linkexport.support;

/** Dashboard-session tokens for tests, signed like Supabase signs them (HS256 with the project's JWT secret). */
public final class TestTokens {

  /** The HS256 secret the test services are configured with (at least 256 bits, as RFC 7518 requires). */
  public static final String SECRET = "test-supabase-jwt-secret-0123456789abcdef0123456789";

  private TestTokens() {
  }
}
