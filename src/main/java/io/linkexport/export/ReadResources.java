package io.linkexport.export;

import io.linkexport.db.ReadReplicas;
import io.vertx.sqlclient.Pool;

/**
 * What a worker's exports read with besides the worker's own pool.
 *
 * @param replicas where export snapshots may be read (the node's, {@link ReadReplicas})
 * @param readers connections for a parallel export's other readers, or null (EXPORT_READ_PARALLELISM 1)
 * @param pacing how exports yield to this node's list pages
 */
record ReadResources(ReadReplicas replicas, Pool readers, ExportPacing pacing) {
}
