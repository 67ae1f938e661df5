package io.linkexport.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on loopback between the service and a dependency (s3proxy, Postgres) that injects real network
 * faults: refuse/close connections ({@link #down}), stall traffic ({@link #stall}), cut the connection that
 * carries the next request(s) whose first line matches a predicate ({@link #cutNext}), let such a request do its
 * work and lose the whole reply ({@link #loseReplyToNext}; for Postgres {@link #losePgReply}), or stall for good the
 * next connection(s) whose client bytes match a predicate, whatever the protocol ({@link #stallConnections}: an SMTP
 * conversation that hangs after {@code RCPT TO:<someone>}).
 */
public final class FaultProxy implements AutoCloseable {

  private static final Pattern CONTENT_LENGTH = Pattern.compile("\r\ncontent-length:\\s*(\\d+)");
  private static final Pattern CHUNKED = Pattern.compile("\r\ntransfer-encoding:\\s*chunked");

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean down;
  private volatile boolean stalled;
  private volatile Predicate<String> cutWhen = s -> false;
  private final AtomicInteger cutsLeft = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile Predicate<String> loseReplyWhen = s -> false;
  private final AtomicInteger lossesLeft = new AtomicInteger();
  private final AtomicInteger lostReplies = new AtomicInteger();
  /** The reply so far of each connection whose reply is being lost, by client socket. */
  private final java.util.Map<NetSocket, LostReply> losing = new ConcurrentHashMap<>();
  private volatile String pgMarker;
  private volatile String pgThen;
  private final Set<NetSocket> pgMarked = ConcurrentHashMap.newKeySet();

  /** A reply being swallowed, and how to tell it is whole. */
  private record LostReply(Buffer bytes, Predicate<Buffer> whole) {
  }
  private volatile Predicate<String> holdWhen = x -> false;
  private final java.util.Map<NetSocket, Buffer> held = new ConcurrentHashMap<>();
  private final java.util.Map<NetSocket, NetSocket> heldTargets = new ConcurrentHashMap<>();
  private volatile Predicate<String> stallWhen = x -> false;
  private final AtomicInteger stallsLeft = new AtomicInteger();
  private final Set<NetSocket> stalledConnections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger stalls = new AtomicInteger();

  private final AtomicInteger tricklesLeft = new AtomicInteger();
  private volatile long trickleMillis;
  /** Connections whose server bytes are trickled, with when their last delayed write is due. */
  private final java.util.Map<NetSocket, Long> trickled = new ConcurrentHashMap<>();
  private final AtomicInteger trickledOpen = new AtomicInteger();

  private FaultProxy(Vertx vertx, NetServer server, NetClient client) {
    this.vertx = vertx;
    this.server = server;
    this.client = client;
  }

  public static FaultProxy start(int targetPort) {
    Vertx vertx = Vertx.vertx();
    NetClient client = vertx.createNetClient();
    FaultProxy[] self = new FaultProxy[1];
    NetServer server = vertx.createNetServer().connectHandler(in -> self[0].accept(in, targetPort));
    self[0] = new FaultProxy(vertx, server, client);
    try {
      server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return self[0];
  }

  private void accept(NetSocket in, int targetPort) {
    if (down) {
      in.close();
      return;
    }
    in.pause();
    open.add(in);
    if (tricklesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      trickled.put(in, 0L);
      trickledOpen.incrementAndGet();
    }
    client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
      if (ar.failed()) {
        in.close();
        return;
      }
      NetSocket out = ar.result();
      open.add(out);
      in.handler(buf -> forward(in, out, buf));
      out.handler(buf -> {
        LostReply reply = losing.get(in);
        if (reply != null) {
          reply.bytes().appendBuffer(buf);
          swallow(in, out, reply);
        } else if (trickled.containsKey(in)) {
          trickle(in, buf);
        } else if (!stalled && !stalledConnections.contains(in)) {
          in.write(buf);
        }
      });
      in.closeHandler(v -> {
        out.close();
        open.remove(in);
        if (trickled.remove(in) != null) {
          trickledOpen.decrementAndGet();
        }
      });
      out.closeHandler(v -> {
        in.close();
        open.remove(out);
      });
      in.resume();
    });
  }

  private void forward(NetSocket in, NetSocket out, Buffer buf) {
    if (down) {
      in.close();
      return;
    }
    if (stalledConnections.contains(in)) {
      return;
    }
    if (stallsLeft.get() > 0 && stallWhen.test(buf.toString(StandardCharsets.ISO_8859_1))
      && stallsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      // From this chunk on the client waits for an answer that never comes, until it gives up and closes. The
      // server's side is closed now (it drops the unfinished conversation), so that no timeout of the server's own
      // can end the stall and only the client's can.
      stalledConnections.add(in);
      in.closeHandler(v -> {
        stalledConnections.remove(in);
        open.remove(in);
      });
      out.closeHandler(v -> open.remove(out));
      out.close();
      stalls.incrementAndGet();
      return;
    }
    if (pgMarker != null) {
      String text = buf.toString(StandardCharsets.ISO_8859_1);
      if (text.contains(pgMarker)) {
        pgMarked.add(in);
      } else if (pgMarked.contains(in) && text.contains(pgThen)) {
        pgMarker = null;
        losing.put(in, new LostReply(Buffer.buffer(), FaultProxy::readyForQuery));
      }
    }

    String head = buf.length() > 0 ? buf.getString(0, Math.min(buf.length(), 512), StandardCharsets.ISO_8859_1.name()) : "";
    int eol = head.indexOf("\r\n");
    if (eol > 0 && head.matches("(?s)^[A-Z]+ /.*")) {
      requests.incrementAndGet();
      if (cutWhen.test(head.substring(0, eol)) && cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        cuts.incrementAndGet();
        in.close();
        out.close();
        return;
      }
      if (loseReplyWhen.test(head.substring(0, eol)) && lossesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        losing.put(in, new LostReply(Buffer.buffer(), FaultProxy::wholeReply));
      }
      if (holdWhen.test(head.substring(0, eol))) {
        // Pausing the client socket keeps the rest of the request in order behind this first chunk.
        in.pause();
        heldTargets.put(in, out);
        held.put(in, buf);
        return;
      }
    }
    if (!stalled) {
      out.write(buf);
    }
  }

  /** Cuts the connection carrying each of the next {@code times} requests whose request line matches. */
  public FaultProxy cutNext(int times, Predicate<String> requestLine) {
    cutWhen = requestLine;
    cutsLeft.set(times);
    return this;
  }

  /**
   * Forwards each of the next {@code times} requests whose request line matches, lets the dependency do the work and
   * send its whole reply, swallows that reply and then closes the client's connection: the client sees its
   * connection closed without a byte of the answer to a request that did take effect (a lost reply).
   */
  public FaultProxy loseReplyToNext(int times, Predicate<String> requestLine) {
    loseReplyWhen = requestLine;
    lossesLeft.set(times);
    return this;
  }

  /**
   * Postgres: on the connection that sends {@code marker} (a statement's text, in its Parse message), loses the reply
   * to the next message that contains {@code then} (its transaction's {@code COMMIT}): the server gets it and does
   * the work, its reply is swallowed up to ReadyForQuery, then the connection is closed. Once.
   */
  public FaultProxy losePgReply(String marker, String then) {
    pgThen = then;
    pgMarker = marker;
    return this;
  }

  /** Replies lost so far. */
  public int lostReplies() {
    return lostReplies.get();
  }

  /**
   * Keeps the reply of a request whose reply is lost until it is whole (waiting for the end, not the first byte: S3
   * sends the status of a CompleteMultipartUpload before it has completed the upload), then closes both sides.
   */
  private void swallow(NetSocket in, NetSocket out, LostReply reply) {
    if (reply.whole().test(reply.bytes())) {
      losing.remove(in);
      lostReplies.incrementAndGet();
      in.close();
      out.close();
    }
  }

  /** Whether a Postgres reply ends with ReadyForQuery ({@code 'Z'}, length 5, status): the server is done. */
  static boolean readyForQuery(Buffer reply) {
    int n = reply.length();
    return n >= 6 && reply.getByte(n - 6) == 'Z' && reply.getInt(n - 5) == 5;
  }

  /** Whether {@code reply} holds one whole HTTP/1.1 response, its body delimited by Content-Length or chunks. */
  static boolean wholeReply(Buffer reply) {
    String text = reply.toString(StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return false;
    }
    String head = text.substring(0, headEnd).toLowerCase(Locale.ROOT);
    int body = headEnd + 4;
    Matcher length = CONTENT_LENGTH.matcher(head);
    if (length.find()) {
      return text.length() - body >= Long.parseLong(length.group(1));
    }
    if (!CHUNKED.matcher(head).find()) {
      return false;
    }
    for (int at = body; at < text.length(); ) {
      int eol = text.indexOf("\r\n", at);
      if (eol < 0) {
        return false;
      }
      int size = Integer.parseInt(text.substring(at, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        return text.indexOf("\r\n", eol + 2) >= 0; // the empty line after the last chunk (and any trailers)
      }
      at = eol + 2 + size + 2;
    }
    return false;
  }

  /** Holds (does not forward) every request whose request line matches, until {@link #release()}. */
  public FaultProxy hold(Predicate<String> requestLine) {
    holdWhen = requestLine;
    return this;
  }

  /**
   * Stalls each of the next {@code times} connections on which the client sends bytes matching {@code clientBytes}:
   * those bytes and everything after them are swallowed, and nothing ever answers, until the client gives up and
   * closes. The server's side of the connection is closed at once, so only the client's timeout ends the stall.
   */
  public FaultProxy stallConnections(int times, Predicate<String> clientBytes) {
    stallWhen = clientBytes;
    stallsLeft.set(times);
    return this;
  }

  /** Connections stalled by {@link #stallConnections} so far. */
  public int stalledConnections() {
    return stalls.get();
  }

  /** Connections stalled by {@link #stallConnections} that the client has not closed yet. */
  public int connectionsStalledNow() {
    return stalledConnections.size();
  }

  /** Number of requests held right now. */
  public int heldRequests() {
    return held.size();
  }

  /** Stops holding and forwards everything held, in order. */
  public FaultProxy release() {
    holdWhen = x -> false;
    for (NetSocket in : new java.util.ArrayList<>(held.keySet())) {
      Buffer first = held.remove(in);
      NetSocket out = heldTargets.remove(in);
      out.write(first);
      in.resume();
    }
    return this;
  }

  /**
   * The next {@code times} connections get every byte of the server's late: each chunk {@code millis} after the one
   * before it (or after it arrived), so a conversation goes on, slowly, without ever going silent for long.
   */
  public FaultProxy trickleNext(int times, long millis) {
    trickleMillis = millis;
    tricklesLeft.set(times);
    return this;
  }

  /** Trickled connections (see {@link #trickleNext}) that are still open on the client's side. */
  public int trickledOpen() {
    return trickledOpen.get();
  }

  private void trickle(NetSocket in, Buffer buf) {
    long now = System.currentTimeMillis();
    Long due = trickled.computeIfPresent(in, (k, last) -> Math.max(now, last) + trickleMillis);
    if (due != null) {
      vertx.setTimer(due - now, t -> in.write(buf));
    }
  }

  /** While down, every connection (open or new) is closed at once. */
  public FaultProxy down(boolean value) {
    down = value;
    if (value) {
      open.forEach(NetSocket::close);
    }
    return this;
  }

  /** While stalled, bytes are swallowed in both directions: requests hang until the client's timeout. */
  public FaultProxy stall(boolean value) {
    stalled = value;
    return this;
  }

  public int port() {
    return server.actualPort();
  }

  public int cuts() {
    return cuts.get();
  }

  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
