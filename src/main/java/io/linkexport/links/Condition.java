package io.linkexport.links;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of one filter parameter: given its parsed value, adds its condition (or nothing) to a {@link Where}. Only
 * allowlisted columns are written into the text; every value is a {@code $n} parameter.
 */
@FunctionalInterface
interface Condition {

  /** Parameters that are not conditions (sort, paging). */
  Condition NONE = (value, where) -> {
  };

  void apply(Object value, Where where);

  /** {@code column = value} when the value is given. */
  static Condition equal(String column) {
    return (value, where) -> {
      if (value != null) {
        where.and(column + " = " + where.bind(value));
      }
    };
  }

  /** {@code column op value} for an instant bound, compared as timestamptz. */
  static Condition compare(String column, String op) {
    return (value, where) -> {
      if (value != null) {
        where.and(column + " " + op + " " + where.bind(((Instant) value).atOffset(ZoneOffset.UTC)));
      }
    };
  }

  /** Archived links are left out unless asked for. */
  static Condition archived() {
    return (value, where) -> {
      if (!(Boolean) value) {
        where.and("NOT l.archived");
      }
    };
  }

  /** Links of one folder, or ({@code unsorted}, as in dub) links in no folder. */
  static Condition folder() {
    return (value, where) -> {
      if (FilterParam.UNSORTED.equals(value)) {
        where.and("l.folder_id IS NULL");
      } else if (value != null) {
        where.and("l.folder_id = " + where.bind(value));
      }
    };
  }

  /** Links with at least one tag, read from link_tags like the other tag filters. */
  static Condition withTags() {
    return (value, where) -> {
      if ((Boolean) value) {
        where.and("EXISTS (SELECT 1 FROM link_tags lt WHERE lt.link_id = l.id)");
      }
    };
  }

  /** Links with any of the tags, by id. */
  static Condition tagIds() {
    return (value, where) -> {
      List<?> ids = (List<?>) value;
      if (!ids.isEmpty()) {
        where.and("EXISTS (SELECT 1 FROM link_tags lt WHERE lt.link_id = l.id AND lt.tag_id = ANY("
          + where.bind(ids.toArray(new UUID[0])) + "))");
      }
    };
  }

  /** Links with any of the tags, by lowercased name, among the project's tags. */
  static Condition tagNames() {
    return (value, where) -> {
      List<?> names = (List<?>) value;
      if (!names.isEmpty()) {
        where.and("EXISTS (SELECT 1 FROM link_tags lt JOIN tags t ON t.id = lt.tag_id"
          + " WHERE lt.link_id = l.id AND t.project_id = $1 AND lower(t.name) = ANY("
          + where.bind(names.toArray(new String[0])) + "))");
      }
    };
  }

  /**
   * The search term, literally, in {@code search_text} = lower(slug \n name \n url) (V4, trigram-indexed); a term
   * has no control characters, so a match never spans two fields.
   */
  static Condition search() {
    return (value, where) -> {
      if (value != null) {
        where.and("l.search_text LIKE lower(" + where.bind("%" + escapeLike((String) value) + "%") + ")");
      }
    };
  }

  /** Escapes LIKE metacharacters so that a term is matched literally (backslash is Postgres' default escape). */
  static String escapeLike(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '%' || c == '_') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
