package io.linkexport.support;

import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver on loopback (the JDK's HTTP server): it records every request and answers with the status its
 * responder picks for the n-th request (0-based). {@link #verify} checks a request as a receiver following the
 * Standard Webhooks specification does, written from the specification and independently of the service's code.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One request as received, and the status it was answered with (0 until answered). */
  public record Request(String path, Map<String, String> headers, String body, long receivedAtMillis, int status) {
    public String id() {
      return headers.get("webhook-id");
    }
  }

  /** Picks the status of a request from the requests answered before it. */
  public interface Responder {
    int status(List<Request> earlier, Request request);

    /** Answers {@code status} to the n-th request (0-based) whatever it is. */
    static Responder byIndex(IntUnaryOperator status) {
      return (earlier, request) -> status.applyAsInt(earlier.size());
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Responder responder;
  private volatile String location;

  public WebhookReceiver(IntUnaryOperator responder) throws IOException {
    this(Responder.byIndex(responder));
  }

  public WebhookReceiver(Responder responder) throws IOException {
    this.responder = responder;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      Request request = new Request(exchange.getRequestURI().toString(), headers,
        new String(body, StandardCharsets.UTF_8), System.currentTimeMillis(), 0);
      int status;
      synchronized (requests) {
        status = responder.status(List.copyOf(requests), request);
        requests.add(new Request(request.path(), headers, request.body(), request.receivedAtMillis(), status));
      }
      if (location != null && status / 100 == 3) {
        exchange.getResponseHeaders().add("Location", location);
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Redirect answers (3xx) point there. */
  public WebhookReceiver redirectTo(String url) {
    this.location = url;
    return this;
  }

  public List<Request> requests() {
    return new ArrayList<>(requests);
  }

  /** The requests to one path. */
  public List<Request> to(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /**
   * True when the request carries a valid signature by {@code secret} (whsec_ + base64 key): HMAC-SHA256 of
   * "{webhook-id}.{webhook-timestamp}.{body}", base64, among the header's space-separated {@code v1,} entries, and
   * a timestamp within five minutes of when it arrived.
   */
  public static boolean verify(String secret, Request r) {
    try {
      String id = r.headers().get("webhook-id");
      String ts = r.headers().get("webhook-timestamp");
      String header = r.headers().get("webhook-signature");
      if (id == null || ts == null || header == null) {
        return false;
      }
      if (Math.abs(Long.parseLong(ts) - r.receivedAtMillis() / 1000) > 300) {
        return false;
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      byte[] expected = mac.doFinal((id + "." + ts + "." + r.body()).getBytes(StandardCharsets.UTF_8));
      for (String entry : header.split(" ")) {
        int comma = entry.indexOf(',');
        if (comma > 0 && entry.substring(0, comma).equals("v1")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(entry.substring(comma + 1)))) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
