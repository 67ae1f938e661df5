package io.linkexport.links;

import java.util.UUID;

/**
 * A list or count request ({@link io.linkexport.bus.Addresses#LINKS_LIST}, {@code LINKS_COUNT}): the project, already
 * authorised by the caller, the filter, already parsed by it, and the shape of the links a page writes. Local consumers
 * only, handed over as is, so the filter is parsed once, at the edge.
 */
public record LinksRequest(UUID projectId, LinkFilter filter, LinkJson.Shape shape) {
}
