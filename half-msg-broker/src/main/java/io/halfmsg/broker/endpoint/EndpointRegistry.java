package io.halfmsg.broker.endpoint;

import io.halfmsg.broker.checkback.CheckBackProperties;
import io.halfmsg.broker.checkback.CheckBackSecrets;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import io.halfmsg.broker.web.Violations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * The check-back URLs of each producer group's live instances. Instances register by heartbeat; an
 * endpoint not seen for {@code halfmsg.check-back.endpoint-ttl} is stale and not called.
 */
@Service
public class EndpointRegistry {

  private static final Pattern INSTANCE_ID = Pattern.compile("^[A-Za-z0-9._:@-]{1,128}$");

  private final EndpointMapper mapper;
  private final EndpointGuard guard;
  private final CheckBackSecrets secrets;
  private final Clock clock;
  private final Duration ttl;

  EndpointRegistry(
      EndpointMapper mapper,
      EndpointGuard guard,
      CheckBackProperties properties,
      CheckBackSecrets secrets,
      Clock clock) {
    this.mapper = mapper;
    this.guard = guard;
    this.secrets = secrets;
    this.clock = clock;
    this.ttl = properties.endpointTtl();
  }

  /**
   * Records a heartbeat of one instance; refuses URLs outside the allowed hosts (which {@link
   * EndpointGuard} checks again before every call).
   */
  Duration register(String producerGroup, String checkBackUrl, String instanceId) {
    Violations v = new Violations();
    v.rocketMqName(producerGroup, "producerGroup");
    if (v.required(checkBackUrl, "checkBackUrl")) {
      String problem = guard.registrationProblem(checkBackUrl);
      if (problem != null) {
        v.add("checkBackUrl", problem);
      }
    }
    if (instanceId != null) {
      v.check(
          INSTANCE_ID.matcher(instanceId).matches(),
          "instanceId",
          "must be 1 to 128 characters of [A-Za-z0-9._:@-]");
    }
    v.throwIfAny();
    if (!secrets.hasSecretFor(producerGroup)) {
      throw new ApiException(
          ProblemType.NO_CHECK_BACK_SECRET,
          "No check-back secret is configured for producer group "
              + producerGroup
              + ": set halfmsg.check-back.secrets."
              + producerGroup
              + " or halfmsg.check-back.default-secret on the broker.");
    }
    mapper.upsertHeartbeat(producerGroup, checkBackUrl, instanceId, clock.instant());
    return ttl;
  }

  /** Live endpoints of the given groups, by group, in registration order. */
  public Map<String, List<String>> liveEndpoints(Collection<String> producerGroups) {
    Map<String, List<String>> byGroup = new LinkedHashMap<>();
    if (producerGroups.isEmpty()) {
      return byGroup;
    }
    Instant seenSince = clock.instant().minus(ttl);
    for (LiveEndpoint e : mapper.findLive(producerGroups, seenSince)) {
      byGroup
          .computeIfAbsent(e.producerGroup(), g -> new java.util.ArrayList<>())
          .add(e.checkBackUrl());
    }
    return byGroup;
  }

  /**
   * Every producer group's registered instances, each {@code live} if its last heartbeat is within
   * the TTL, latest heartbeat first; silent ones stay listed until they are forgotten.
   */
  public Map<String, List<ProducerInstance>> allInstances() {
    Instant seenSince = clock.instant().minus(ttl);
    Map<String, List<ProducerInstance>> byGroup = new LinkedHashMap<>();
    for (ProducerEndpoint e : mapper.findAll()) {
      byGroup
          .computeIfAbsent(e.producerGroup(), g -> new java.util.ArrayList<>())
          .add(e.instance(seenSince));
    }
    return byGroup;
  }

  /** Forgets endpoints silent for much longer than the TTL, a few at a time. */
  public int forgetLongGone(Duration after, int limit) {
    return mapper.deleteSeenBefore(clock.instant().minus(after), limit);
  }
}
