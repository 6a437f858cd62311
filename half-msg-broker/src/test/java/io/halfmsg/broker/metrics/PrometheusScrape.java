package io.halfmsg.broker.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of one scrape of {@code /actuator/prometheus}, in Prometheus's text format. */
record PrometheusScrape(Map<String, Double> samples) {

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)");

  static PrometheusScrape parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.find()) {
        samples.put(
            m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
      }
    }
    return new PrometheusScrape(samples);
  }

  Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.keySet().forEach(s -> names.add(s.replaceAll("\\{.*", "")));
    return names;
  }

  /**
   * The value of the one sample of {@code name} whose labels include all of {@code labels} (given
   * as {@code key="value"} pairs); fails if there is none or more than one.
   */
  double value(String name, String... labels) {
    Double found = find(name, labels);
    if (found == null) {
      throw new AssertionError("no series of " + name + " with " + Set.of(labels));
    }
    return found;
  }

  /** {@link #value}, or {@code fallback} when there is no such series. */
  double valueOr(double fallback, String name, String... labels) {
    Double found = find(name, labels);
    return found == null ? fallback : found;
  }

  private Double find(String name, String... labels) {
    Double found = null;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      String series = e.getKey();
      if (!series.equals(name) && !series.startsWith(name + "{")) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= series.contains(label);
      }
      if (all) {
        if (found != null) {
          throw new AssertionError("more than one series of " + name + " with " + Set.of(labels));
        }
        found = e.getValue();
      }
    }
    return found;
  }
}
