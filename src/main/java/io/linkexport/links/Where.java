package io.linkexport.links;

import java.util.ArrayList;
import java.util.List;

/** The conditions after the project scope ({@code $1}), each as {@code " AND ..."}, and their parameters. */
final class Where {

  private final StringBuilder text = new StringBuilder();
  private final List<Object> params = new ArrayList<>();

  Where(Object projectId) {
    params.add(projectId);
  }

  void and(String condition) {
    text.append(" AND ").append(condition);
  }

  /** Adds a parameter and answers its placeholder. */
  String bind(Object value) {
    params.add(value);
    return "$" + params.size();
  }

  String text() {
    return text.toString();
  }

  List<Object> params() {
    return params;
  }
}
