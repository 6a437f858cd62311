package io.halfmsg.broker;

/**
 * The broker's configuration cannot work; start-up stops. {@link
 * BrokerConfigurationFailureAnalyzer} turns it into Spring Boot's short "APPLICATION FAILED TO
 * START" report (what is wrong, what to do) instead of a stack trace.
 */
public class BrokerConfigurationException extends IllegalStateException {

  private final String problem;
  private final String action;

  /**
   * @param problem what is wrong
   * @param action what to set, and where
   */
  public BrokerConfigurationException(String problem, String action) {
    super(problem + " " + action);
    this.problem = problem;
    this.action = action;
  }

  public String problem() {
    return problem;
  }

  public String action() {
    return action;
  }
}
