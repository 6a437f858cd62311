package io.halfmsg.broker.pause;

import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Mapper;
import org.apache.ibatis.annotations.Param;

/** SQL of {@code hm_pause} (see {@code mapper/PauseMapper.xml}). */
@Mapper
interface PauseMapper {

  /** Pauses unless already paused (the first pause's who and why stay); 1 if it was new. */
  int insertIgnore(
      @Param("kind") PauseKind kind,
      @Param("name") String name,
      @Param("at") Instant at,
      @Param("by") String by,
      @Param("reason") String reason);

  Pause find(@Param("kind") PauseKind kind, @Param("name") String name);

  int delete(@Param("kind") PauseKind kind, @Param("name") String name);

  List<Pause> findAll();
}
