package io.linkexport.links;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * One page of the list API as the query verticle answers it on {@link io.linkexport.bus.Addresses#LINKS_LIST}: the
 * links already encoded as a JSON array, and whether another page follows.
 *
 * <p>It travels with its own codec because the bus would otherwise copy it: the built-in Buffer codec copies a
 * Buffer on every local delivery, about 90 KB per page of 100 links, only for the HTTP verticle to copy it once more
 * into the response. A page is never changed after it is built, so a local delivery may hand over the same instance.
 * On the wire (never used by this service: the address is a local consumer) it is a flag byte and the JSON.
 */
public record LinkPage(Buffer json, boolean hasMore) {

  /** Registers the codec on a Vert.x instance's bus; idempotent. */
  public static void registerCodec(EventBus bus) {
    bus.unregisterDefaultCodec(LinkPage.class);
    bus.registerDefaultCodec(LinkPage.class, new Codec());
  }

  static final class Codec implements MessageCodec<LinkPage, LinkPage> {

    @Override
    public void encodeToWire(Buffer wire, LinkPage page) {
      wire.appendByte((byte) (page.hasMore ? 1 : 0)).appendInt(page.json.length()).appendBuffer(page.json);
    }

    @Override
    public LinkPage decodeFromWire(int pos, Buffer wire) {
      int length = wire.getInt(pos + 1);
      return new LinkPage(wire.getBuffer(pos + 5, pos + 5 + length), wire.getByte(pos) == 1);
    }

    @Override
    public LinkPage transform(LinkPage page) {
      return page;
    }

    @Override
    public String name() {
      return "link-export.links.page";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
