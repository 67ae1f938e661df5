package io.linkexport.http.auth;

import java.util.UUID;

/** A caller's access to one project: its plan and the caller's role ({@code api_key} for SDK keys). */
public record ProjectAccess(UUID projectId, String plan, String role) {
}
