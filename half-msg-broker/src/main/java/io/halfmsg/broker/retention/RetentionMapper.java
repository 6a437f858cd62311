package io.halfmsg.broker.retention;

import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/**
 * The retention job's SQL on deliveries (see {@code mapper/RetentionMapper.xml}); its statements on
 * messages are {@code MessageStore}'s.
 */
@Mapper
interface RetentionMapper {

  List<String> findWithUnackedDeliveries(@Param("messageIds") List<String> messageIds);

  int deleteDeliveries(@Param("messageIds") List<String> messageIds);
}
