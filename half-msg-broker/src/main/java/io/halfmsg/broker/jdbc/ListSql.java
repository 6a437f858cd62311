package io.halfmsg.broker.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * Parameter lists and values for the hot path's batch statements, which are written with plain
 * JDBC: MyBatis's {@code <foreach>} rewrites the SQL of every item with a regular expression and
 * reflects over every bound property, which cost more CPU than the rest of a request. Values are
 * bound exactly as the MyBatis type handlers bind them, so both kinds of statements read each
 * other's rows.
 */
public final class ListSql {

  private ListSql() {}

  /** {@code ?, ?, ?} for an IN list of {@code n} values. */
  public static String placeholders(int n) {
    return repeat("?", n);
  }

  /** {@code row, row, row}: {@code n} rows of a multi-row VALUES. */
  public static String rows(String row, int n) {
    return repeat(row, n);
  }

  /** An instant as {@link UtcInstantTypeHandler} stores it. */
  public static String instantText(Instant value) {
    return UtcInstantTypeHandler.format(value);
  }

  /** An instant as {@link UtcInstantTypeHandler} reads it. */
  public static Instant readInstant(ResultSet rs, int column) throws SQLException {
    return UtcInstantTypeHandler.read(rs, column);
  }

  /** User properties as {@link StringMapJsonTypeHandler} stores them (null when there are none). */
  public static String propertiesText(Map<String, String> value) {
    return StringMapJsonTypeHandler.format(value);
  }

  /** User properties as {@link StringMapJsonTypeHandler} reads them. */
  public static Map<String, String> readProperties(ResultSet rs, int column) throws SQLException {
    return StringMapJsonTypeHandler.parse(rs.getString(column));
  }

  private static String repeat(String item, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("an SQL list needs at least one item");
    }
    StringBuilder sql = new StringBuilder((item.length() + 2) * n);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sql.append(", ");
      }
      sql.append(item);
    }
    return sql.toString();
  }
}
