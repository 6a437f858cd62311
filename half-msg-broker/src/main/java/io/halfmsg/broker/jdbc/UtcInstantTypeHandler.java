package io.halfmsg.broker.jdbc;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;
import org.apache.ibatis.type.MappedTypes;

/**
 * Stores instants in {@code DATETIME(6)} columns as UTC wall-clock time, keeping the JVM's default
 * zone and the session's {@code time_zone} out of the conversion ({@code java.sql.Timestamp} would
 * drag both in).
 *
 * <p>Values are written as text: MySQL Connector/J drops the microseconds of temporal parameters
 * when the server announces itself as version 5.5.5, which MariaDB before 11 does. The server
 * parses the text into the column's full precision on MySQL 8, MariaDB and H2 alike.
 */
@MappedTypes(Instant.class)
public class UtcInstantTypeHandler extends BaseTypeHandler<Instant> {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

  @Override
  public void setNonNullParameter(PreparedStatement ps, int i, Instant value, JdbcType jdbcType)
      throws SQLException {
    ps.setString(i, format(value));
  }

  static String format(Instant value) {
    return FORMAT.format(LocalDateTime.ofInstant(value, ZoneOffset.UTC));
  }

  @Override
  public Instant getNullableResult(ResultSet rs, String column) throws SQLException {
    return toInstant(rs.getObject(column, LocalDateTime.class));
  }

  @Override
  public Instant getNullableResult(ResultSet rs, int index) throws SQLException {
    return read(rs, index);
  }

  static Instant read(ResultSet rs, int index) throws SQLException {
    return toInstant(rs.getObject(index, LocalDateTime.class));
  }

  @Override
  public Instant getNullableResult(CallableStatement cs, int index) throws SQLException {
    return toInstant(cs.getObject(index, LocalDateTime.class));
  }

  private static Instant toInstant(LocalDateTime utc) {
    return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
  }
}
