package io.halfmsg.broker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.PropertySource;

@SpringBootApplication
@ConfigurationPropertiesScan
@PropertySource("classpath:half-msg-broker-defaults.properties")
public class HalfMsgBrokerApplication {

  public static void main(String[] args) {
    SpringApplication.run(HalfMsgBrokerApplication.class, args);
  }
}
