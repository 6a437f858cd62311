package io.halfmsg.broker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorMvcAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.PropertySource;

/**
 * The broker. Without Spring Boot's {@code /error} page: what Tomcat refuses or fails itself (a
 * body it cannot read, TRACE, an exception escaping a filter) is answered by {@link
 * io.halfmsg.broker.web.ProblemErrorReportValve} in problem+json, not by Boot's own JSON.
 */
@SpringBootApplication(
    exclude = ErrorMvcAutoConfiguration.class,
    // Spring Boot would register Spring Security's filter for every path; the console registers
    // it for its own paths only (ConsoleSecurity), so that the API never passes through it.
    excludeName =
        "org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration")
@ConfigurationPropertiesScan
@PropertySource("classpath:half-msg-broker-defaults.properties")
public class HalfMsgBrokerApplication {

  public static void main(String[] args) {
    SpringApplication.run(HalfMsgBrokerApplication.class, args);
  }
}
