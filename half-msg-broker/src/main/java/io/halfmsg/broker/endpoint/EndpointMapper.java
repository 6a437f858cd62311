package io.halfmsg.broker.endpoint;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** SQL of {@code hm_producer_endpoint} (see {@code mapper/EndpointMapper.xml}). */
@Mapper
interface EndpointMapper {

  void upsertHeartbeat(
      @Param("producerGroup") String producerGroup,
      @Param("checkBackUrl") String checkBackUrl,
      @Param("instanceId") String instanceId,
      @Param("now") Instant now);

  List<LiveEndpoint> findLive(
      @Param("producerGroups") Collection<String> producerGroups,
      @Param("seenSince") Instant seenSince);

  List<ProducerEndpoint> findAll();

  int deleteSeenBefore(@Param("before") Instant before, @Param("limit") int limit);
}
