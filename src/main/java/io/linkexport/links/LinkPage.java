package io.linkexport.links;

import io.vertx.core.buffer.Buffer;

import java.util.UUID;

/**
 * One page of the list API as the query verticle answers {@link io.linkexport.bus.Addresses#LINKS_LIST}: the links
 * already encoded as a JSON array, whether another page follows, and the page's cursors ({@link PageWindow}). It
 * travels to local consumers only and is handed over without a copy (the bus' Buffer codec would copy ~150 KB per page
 * on every delivery): {@code Codecs}.
 */
public record LinkPage(Buffer json, boolean hasMore, UUID nextCursor, UUID prevCursor) {
}
