package io.halfmsg.broker.endpoint;

import io.halfmsg.api.EndpointRegistration;
import io.halfmsg.broker.web.Violations;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/producer-groups")
class EndpointController {

  private final EndpointRegistry registry;

  EndpointController(EndpointRegistry registry) {
    this.registry = registry;
  }

  /** What the broker answers a heartbeat: send the next one well before {@code ttlMs} passes. */
  record Registered(String producerGroup, String checkBackUrl, long ttlMs) {}

  /** For operators: every group's instances with their last heartbeat. */
  @GetMapping
  Map<String, List<ProducerInstance>> all() {
    return registry.allInstances();
  }

  @PutMapping(path = "/{group}/endpoints", consumes = MediaType.APPLICATION_JSON_VALUE)
  Registered heartbeat(@PathVariable String group, @RequestBody EndpointRegistration body) {
    if (body == null) {
      throw Violations.invalid("body", "must be a JSON object");
    }
    long ttl = registry.register(group, body.checkBackUrl(), body.instanceId()).toMillis();
    return new Registered(group, body.checkBackUrl(), ttl);
  }
}
