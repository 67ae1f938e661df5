package io.linkexport.webhooks;

import io.linkexport.bus.ServiceException;
import io.vertx.core.Future;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Where a webhook may be sent (SSRF): an {@code https://} URL whose host resolves only to public addresses. Loopback,
 * private, link-local (169.254.169.254, the cloud metadata service), carrier-grade NAT, unique-local, multicast and
 * reserved addresses are refused, and so is plain {@code http://}, unless the operator sets
 * {@code WEBHOOK_ALLOW_PRIVATE_TARGETS} (development, tests). The check runs when an endpoint is registered and again
 * at every delivery, whose connection goes to the address that was checked (a DNS answer that changes in between
 * cannot redirect it); redirects are never followed.
 */
public final class TargetPolicy {

  /** A parsed target: the URL, its host (without IPv6 brackets), port and scheme. */
  public record Target(URI uri, String host, int port, boolean https) {
    /** The request's path and query, as sent. */
    String requestUri() {
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
  }

  private static final int MAX_URL = 2048;

  private final boolean allowPrivate;
  private final Function<String, Future<List<InetAddress>>> resolver;

  /** {@code resolver} answers every address of a host name (or of an IP literal, itself). */
  public TargetPolicy(boolean allowPrivate, Function<String, Future<List<InetAddress>>> resolver) {
    this.allowPrivate = allowPrivate;
    this.resolver = resolver;
  }

  /** The policy with the system's resolver, run off the event loop (a DNS look-up blocks). */
  public static TargetPolicy of(io.vertx.core.Vertx vertx, boolean allowPrivate) {
    return new TargetPolicy(allowPrivate, host -> vertx.executeBlocking(
      () -> List.of(InetAddress.getAllByName(host)), false));
  }

  /** The URL's parts; 400 naming {@code url} when it is not an absolute http(s) URL this policy allows. */
  public Target parse(String url) {
    if (url == null || url.isBlank()) {
      throw bad("url is required");
    }
    if (url.length() > MAX_URL) {
      throw bad("url is longer than " + MAX_URL + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw bad("url is not a valid URL: " + e.getReason());
    }
    boolean https = scheme(uri);
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw bad("url has no host");
    }
    if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw bad("url must not carry credentials or a fragment");
    }
    String host = host(uri);
    int port = uri.getPort() == -1 ? (https ? 443 : 80) : uri.getPort();
    return new Target(uri, host, port, https);
  }

  /** The host, when a request can be sent to it by name (TLS names it in SNI and checks the certificate by it). */
  private static String host(URI uri) {
    String host = uri.getHost();
    if (host.startsWith("[")) {
      throw bad("url must name its host: IPv6 literals are not supported");
    }
    if (host.endsWith(".")) {
      throw bad("url's host must not end with a dot");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65_535) {
      throw bad("url's port must be 1 to 65535");
    }
    return host;
  }

  /** True for https; http only where private targets are allowed. */
  private boolean scheme(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw bad("url must be an https:// URL");
    }
    if (scheme.equals("http") && !allowPrivate) {
      throw bad("url must be an https:// URL (plain http:// is refused: the payload and its signature would travel"
        + " in clear)");
    }
    return scheme.equals("https");
  }

  /**
   * Resolves the target's host and answers the address to connect to: the first one, after every one was checked.
   * Fails with a 400 naming {@code url} when the host does not resolve or any of its addresses is not public.
   */
  public Future<InetAddress> address(Target target) {
    return resolver.apply(target.host())
      .recover(err -> Future.failedFuture(bad("url's host " + target.host() + " does not resolve")))
      .compose(addresses -> {
        if (addresses.isEmpty()) {
          return Future.failedFuture(bad("url's host " + target.host() + " does not resolve"));
        }
        if (!allowPrivate) {
          for (InetAddress a : addresses) {
            if (!isPublic(a)) {
              return Future.failedFuture(bad("url's host " + target.host() + " resolves to " + a.getHostAddress()
                + ", a loopback, private, link-local or reserved address; webhooks go to public addresses only"));
            }
          }
        }
        return Future.succeededFuture(addresses.get(0));
      });
  }

  /** True for a globally routable unicast address. */
  static boolean isPublic(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return NOT_PUBLIC_V4.stream().noneMatch(c -> c.contains(b));
    }
    if (!(a instanceof Inet6Address)) {
      return false;
    }
    if (EMBEDS_V4.stream().anyMatch(c -> c.contains(b))) {
      // IPv4-mapped, IPv4-compatible (and :: and ::1) or NAT64: the IPv4 address inside decides
      byte[] v4 = {b[12], b[13], b[14], b[15]};
      return !Arrays.equals(b, new byte[16]) && !a.isLoopbackAddress()
        && NOT_PUBLIC_V4.stream().noneMatch(c -> c.contains(v4));
    }
    if (SIX_TO_FOUR.contains(b)) {
      byte[] v4 = {b[2], b[3], b[4], b[5]};
      return NOT_PUBLIC_V4.stream().noneMatch(c -> c.contains(v4));
    }
    // global unicast only (2000::/3), without Teredo, documentation and the other special blocks inside it
    return GLOBAL_V6.contains(b) && NOT_PUBLIC_V6.stream().noneMatch(c -> c.contains(b));
  }

  /** An address block: the first {@code bits} bits of {@code net}. */
  private record Cidr(byte[] net, int bits) {
    static Cidr of(String literal, int bits) {
      try {
        return new Cidr(InetAddress.getByName(literal).getAddress(), bits); // a literal: no look-up
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException(literal, e);
      }
    }

    boolean contains(byte[] a) {
      if (a.length != net.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((a[i / 8] & mask) != (net[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  /** This network, private, carrier-grade NAT, loopback, link-local (cloud metadata), reserved, documentation. */
  private static final List<Cidr> NOT_PUBLIC_V4 = List.of(Cidr.of("0.0.0.0", 8), Cidr.of("10.0.0.0", 8),
    Cidr.of("100.64.0.0", 10), Cidr.of("127.0.0.0", 8), Cidr.of("169.254.0.0", 16), Cidr.of("172.16.0.0", 12),
    Cidr.of("192.0.0.0", 24), Cidr.of("192.0.2.0", 24), Cidr.of("192.168.0.0", 16), Cidr.of("198.18.0.0", 15),
    Cidr.of("198.51.100.0", 24), Cidr.of("203.0.113.0", 24), Cidr.of("224.0.0.0", 3));
  private static final Cidr GLOBAL_V6 = Cidr.of("2000::", 3);
  private static final Cidr SIX_TO_FOUR = Cidr.of("2002::", 16);
  /** Teredo, benchmarking, ORCHID(v2), documentation: special blocks inside 2000::/3. */
  private static final List<Cidr> NOT_PUBLIC_V6 = List.of(Cidr.of("2001::", 32), Cidr.of("2001:2::", 48),
    Cidr.of("2001:10::", 28), Cidr.of("2001:20::", 28), Cidr.of("2001:db8::", 32));
  /** ::ffff:0:0/96 (mapped), ::/96 (compatible), 64:ff9b::/96 (NAT64). */
  private static final List<Cidr> EMBEDS_V4 = List.of(
    new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96),
    new Cidr(new byte[16], 96), Cidr.of("64:ff9b::", 96));

  private static ServiceException bad(String message) {
    return ServiceException.badRequest("url", message);
  }
}
