package io.halfmsg.broker.console;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;

/**
 * The console's beans exist only where its libraries are on the class path: in the broker's jar,
 * not where an application carries the broker's classes without them (they are optional
 * dependencies, see the broker's pom).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ConditionalOnClass(
    name = {
      "org.springframework.security.web.SecurityFilterChain",
      "org.thymeleaf.spring6.SpringTemplateEngine"
    })
@interface ConditionalOnConsole {}
