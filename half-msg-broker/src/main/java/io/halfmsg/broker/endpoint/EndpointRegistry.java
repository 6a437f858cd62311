package io.halfmsg.broker.endpoint;

import io.halfmsg.broker.checkback.CheckBackProperties;
import io.halfmsg.broker.checkback.CheckBackSecrets;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import io.halfmsg.broker.web.Violations;
import java.net.URI;
import java.net.URISyntaxException;
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

  private static final int MAX_URL_LENGTH = 512;
  private static final Pattern INSTANCE_ID = Pattern.compile("^[A-Za-z0-9._:@-]{1,128}$");

  private final EndpointMapper mapper;
  private final AllowedHosts allowedHosts;
  private final CheckBackSecrets secrets;
  private final Clock clock;
  private final Duration ttl;

  EndpointRegistry(
      EndpointMapper mapper,
      CheckBackProperties properties,
      CheckBackSecrets secrets,
      Clock clock) {
    this.mapper = mapper;
    this.allowedHosts = new AllowedHosts(properties.allowedHosts());
    this.secrets = secrets;
    this.clock = clock;
    this.ttl = properties.endpointTtl();
  }

  /** Records a heartbeat of one instance; refuses URLs outside the allowed hosts. */
  Duration register(String producerGroup, String checkBackUrl, String instanceId) {
    Violations v = new Violations();
    v.rocketMqName(producerGroup, "producerGroup");
    if (v.required(checkBackUrl, "checkBackUrl")) {
      String problem = urlProblem(checkBackUrl);
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

  private String urlProblem(String url) {
    if (url.length() > MAX_URL_LENGTH) {
      return "must be at most 512 characters";
    }
    // RFC 3986: a URL is ASCII, anything else percent-encoded.
    if (!url.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return "must be an ASCII URL (percent-encode other characters)";
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "is not a valid URL";
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      return "must be an http or https URL";
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      return "must be an absolute URL with a host, without user info or fragment";
    }
    if (!allowedHosts.allows(uri.getHost())) {
      return "host " + uri.getHost() + " is not in halfmsg.check-back.allowed-hosts of the broker";
    }
    return null;
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

  /** Forgets endpoints silent for much longer than the TTL, a few at a time. */
  public int forgetLongGone(Duration after, int limit) {
    return mapper.deleteSeenBefore(clock.instant().minus(after), limit);
  }
}
