package io.halfmsg.broker.parked;

import java.time.Instant;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** The operators' SQL on parked messages (see {@code mapper/ParkedMapper.xml}). */
@Mapper
interface ParkedMapper {

  int rearm(@Param("messageId") String messageId, @Param("now") Instant now);
}
