package io.halfmsg.broker;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link BrokerConfigurationException} as what is wrong and what to do, pointing a
 * developer who only wants to try halfmsg at the standalone launcher.
 */
class BrokerConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<BrokerConfigurationException> {

  static final String TRY_STANDALONE =
      "Only trying halfmsg? java -jar halfmsg-standalone/target/halfmsg-standalone-<version>.jar"
          + " runs a broker with development tokens, an embedded store and RocketMQ, and"
          + " ./scripts/demo.sh runs the whole demo (see the README's quick start).";

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, BrokerConfigurationException cause) {
    return new FailureAnalysis(cause.problem(), cause.action() + "\n\n" + TRY_STANDALONE, cause);
  }
}
