package io.linkexport.export;

import io.linkexport.bus.BusServer;
import io.linkexport.bus.Fields;
import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * A request to start an export ({@link io.linkexport.bus.Addresses#EXPORT_START}): who asks, for which project, with
 * which filters (the list API's parameters, as a JSON object; parsed by the export service), which file (the
 * {@link FileOptions} fields, {@code columns}, {@code format}, {@code compression}, {@code split},
 * {@code maxRowsPerFile}, as sent: parsed by the export service too) and an optional Idempotency-Key.
 */
public record ExportRequest(UUID projectId, UUID userId, String email, JsonObject filters, JsonObject file,
                            String idempotencyKey) {

  /** A request for the default file (the specified CSV). */
  public ExportRequest(UUID projectId, UUID userId, String email, JsonObject filters, String idempotencyKey) {
    this(projectId, userId, email, filters, new JsonObject(), idempotencyKey);
  }

  /** The wire form: the file options are fields of their own beside {@code filters}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put(Fields.PROJECT_ID, projectId.toString())
      .put(Fields.USER_ID, userId.toString()).put(Fields.EMAIL, email).put(Fields.FILTERS, filters)
      .put(Fields.IDEMPOTENCY_KEY, idempotencyKey);
    if (file != null) {
      file.forEach(e -> json.put(e.getKey(), e.getValue()));
    }
    return json;
  }

  /** Reads the wire form; 400 naming the field for a missing or malformed one. */
  public static ExportRequest fromJson(JsonObject json) {
    UUID projectId = BusServer.uuid(json, Fields.PROJECT_ID);
    UUID userId = BusServer.uuid(json, Fields.USER_ID);
    Object filters = json.getValue(Fields.FILTERS);
    if (filters != null && !(filters instanceof JsonObject)) {
      throw ServiceException.badRequest(Fields.FILTERS, "filters must be a JSON object");
    }
    Object email = json.getValue(Fields.EMAIL);
    if (email != null && !(email instanceof String)) {
      throw ServiceException.badRequest(Fields.EMAIL, "email must be a string");
    }
    JsonObject file = new JsonObject();
    for (String field : FileOptions.FIELDS) {
      if (json.getValue(field) != null) {
        file.put(field, json.getValue(field));
      }
    }
    return new ExportRequest(projectId, userId, (String) email, (JsonObject) filters, file,
      idempotencyKey(json.getValue(Fields.IDEMPOTENCY_KEY)));
  }

  /** The file options, checked against {@code limits} (400 naming the option at fault); none: the defaults. */
  public FileOptions fileOptions(FileOptions.Limits limits) {
    return FileOptions.parse(file == null ? new JsonObject() : file, limits);
  }

  /**
   * The request of an HTTP body: the file option fields are taken out, every other field is a filter (an unknown one
   * is then a 400 naming it, as the list answers).
   */
  public static ExportRequest ofBody(UUID projectId, UUID userId, String email, JsonObject body,
                                     String idempotencyKey) {
    JsonObject filters = body.copy();
    JsonObject file = new JsonObject();
    for (String field : FileOptions.FIELDS) {
      if (filters.containsKey(field)) {
        file.put(field, filters.remove(field));
      }
    }
    return new ExportRequest(projectId, userId, email, filters, file, idempotencyKey);
  }

  /** An Idempotency-Key: 1 to 200 visible ASCII characters, or none. */
  static String idempotencyKey(Object value) {
    if (value == null) {
      return null;
    }
    String k = value.toString();
    if (k.isEmpty() || k.length() > 200 || !k.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw ServiceException.badRequest("Idempotency-Key", "Idempotency-Key must be 1 to 200 visible ASCII characters");
    }
    return k;
  }
}
