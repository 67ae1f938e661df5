package io.linkexport.links;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinkPageTest {

  private final MessageCodec<LinkPage, LinkPage> codec = new LinkPage.Codec();

  /** Verifies that a local delivery hands over the page itself: no copy of its JSON. */
  @Test
  void localDeliveryHandsOverTheSamePage() {
    LinkPage page = new LinkPage(Buffer.buffer("[{\"id\":\"a\"}]"), true);
    assertThat(codec.transform(page)).isSameAs(page);
  }

  /** Verifies that the wire form keeps the JSON and the flag, also when the page sits behind other bytes. */
  @Test
  void wireFormRoundTripsAtAnyPosition() {
    for (boolean hasMore : new boolean[] {true, false}) {
      LinkPage page = new LinkPage(Buffer.buffer("[{\"name\":\"Café ☕\"}]"), hasMore);
      Buffer wire = Buffer.buffer("header");
      codec.encodeToWire(wire, page);
      LinkPage back = codec.decodeFromWire(6, wire);
      assertThat(back.hasMore()).isEqualTo(hasMore);
      assertThat(back.json().toString()).isEqualTo(page.json().toString());
    }
  }
}
