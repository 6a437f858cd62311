package io.halfmsg.broker.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/** Keeps a message's user properties as a JSON object in one text column. */
public class StringMapJsonTypeHandler extends BaseTypeHandler<Map<String, String>> {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter WRITER =
      MAPPER.writerFor(new TypeReference<Map<String, String>>() {});
  private static final ObjectReader READER =
      MAPPER.readerFor(new TypeReference<Map<String, String>>() {});

  @Override
  public void setNonNullParameter(
      PreparedStatement ps, int i, Map<String, String> value, JdbcType jdbcType)
      throws SQLException {
    ps.setString(i, format(value));
  }

  static String format(Map<String, String> value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return WRITER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot write message properties as JSON", e);
    }
  }

  @Override
  public Map<String, String> getNullableResult(ResultSet rs, String column) throws SQLException {
    return parse(rs.getString(column));
  }

  @Override
  public Map<String, String> getNullableResult(ResultSet rs, int index) throws SQLException {
    return parse(rs.getString(index));
  }

  @Override
  public Map<String, String> getNullableResult(CallableStatement cs, int index)
      throws SQLException {
    return parse(cs.getString(index));
  }

  static Map<String, String> parse(String json) throws SQLException {
    if (json == null) {
      return Map.of();
    }
    try {
      return READER.readValue(json);
    } catch (JsonProcessingException e) {
      throw new SQLException("Stored message properties are not valid JSON", e);
    }
  }
}
