package io.halfmsg.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessPolicyTest {

  @Test
  void producersPrepareAndDecideOneByOneAndInBatches() {
    for (String path :
        new String[] {
          "/api/v1/messages",
          "/api/v1/messages/m-1/commit",
          "/api/v1/messages/m-1/rollback",
          "/api/v1/messages:batch",
          "/api/v1/decisions"
        }) {
      assertThat(AccessPolicy.requiredRole("POST", path)).as(path).isEqualTo(Role.PRODUCER);
    }
  }

  @Test
  void nearMissesOfTheBatchPathsAreForOperators() {
    for (String path :
        new String[] {
          "/api/v1/messages:batchx",
          "/api/v1/messages:other",
          "/api/v1/messagesXbatch",
          "/api/v1/decisions/m-1",
          "/api/v1/messages/m-1/resolve"
        }) {
      assertThat(AccessPolicy.requiredRole("POST", path)).as(path).isEqualTo(Role.ADMIN);
    }
    assertThat(AccessPolicy.requiredRole("GET", "/api/v1/decisions")).isEqualTo(Role.ADMIN);
    assertThat(AccessPolicy.requiredRole("POST", "/api/v1/acks")).isEqualTo(Role.CONSUMER);
  }
}
