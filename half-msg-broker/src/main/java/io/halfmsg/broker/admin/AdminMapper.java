package io.halfmsg.broker.admin;

import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** Read-only queries of the admin API (see {@code mapper/AdminMapper.xml}). */
@Mapper
interface AdminMapper {

  List<MessageSummary> findMessages(
      @Param("state") String state,
      @Param("topic") String topic,
      @Param("producerGroup") String producerGroup,
      @Param("afterId") long afterId,
      @Param("limit") int limit);

  List<StateCount> countMessagesByState();

  List<StateCount> countDeliveriesByState();
}
