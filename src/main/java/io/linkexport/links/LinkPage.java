package io.linkexport.links;

import io.vertx.core.buffer.Buffer;

/**
 * One page of the list API as the query verticle answers {@link io.linkexport.bus.Addresses#LINKS_LIST}: the links
 * already encoded as a JSON array, and whether another page follows. It travels to local consumers only and is
 * handed over without a copy (the bus' Buffer codec would copy ~90 KB per page on every delivery): {@code Codecs}.
 */
public record LinkPage(Buffer json, boolean hasMore) {
}
