package io.halfmsg.broker.deadgroup;

import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** DEAD deliveries grouped by their latest failure (see {@code mapper/DeadGroupMapper.xml}). */
@Mapper
interface DeadGroupMapper {

  List<DeadGroup> groups();

  long count(
      @Param("consumerGroup") String consumerGroup, @Param("fingerprint") String fingerprint);

  /** The group's deliveries by id, up to {@code upperId} when it is given. */
  List<DeadDelivery> members(
      @Param("consumerGroup") String consumerGroup,
      @Param("fingerprint") String fingerprint,
      @Param("upperId") Long upperId,
      @Param("limit") int limit);

  /** {@link #members}, locked until the end of the caller's transaction. */
  List<DeadDelivery> lockMembers(
      @Param("consumerGroup") String consumerGroup,
      @Param("fingerprint") String fingerprint,
      @Param("upperId") Long upperId,
      @Param("limit") int limit);
}
