package io.halfmsg.broker.console;

import io.halfmsg.broker.auth.AdminTokens;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.AbstractSecurityWebApplicationInitializer;

/**
 * Spring Security for the console only: a session login with an admin token (HttpOnly, SameSite
 * Strict cookie, see the broker's defaults), CSRF tokens on every form, logout. Its filter is
 * registered for {@code /console} and {@code /console/*} alone (Spring Boot's registration for
 * every path is excluded, see {@code HalfMsgBrokerApplication}): API requests never enter it and
 * keep their bearer-token filter, and the token filter leaves exactly these paths to it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnConsole
@EnableWebSecurity
class ConsoleSecurity {

  static final String LOGIN = "/console/login";

  @Bean
  SecurityFilterChain consoleFilterChain(HttpSecurity http) throws Exception {
    http.securityMatcher("/console", "/console/**")
        .authorizeHttpRequests(
            a ->
                a.requestMatchers(LOGIN, "/console/console.css")
                    .permitAll()
                    .anyRequest()
                    .hasRole(ConsoleLogin.ROLE))
        .formLogin(
            f ->
                f.loginPage(LOGIN)
                    .usernameParameter("operator")
                    .passwordParameter("token")
                    .defaultSuccessUrl("/console", true)
                    .failureUrl(LOGIN + "?error"))
        .logout(l -> l.logoutUrl("/console/logout").logoutSuccessUrl(LOGIN + "?logout"))
        // After the login, the dashboard: a remembered URL would only add a query parameter.
        .requestCache(c -> c.disable())
        .headers(
            h ->
                h.contentSecurityPolicy(
                    csp ->
                        csp.policyDirectives(
                            "default-src 'none'; style-src 'self'; img-src 'self';"
                                + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'")));
    return http.build();
  }

  /** Also keeps Spring Boot from creating its default user with a generated password. */
  @Bean
  AuthenticationProvider consoleLogin(AdminTokens tokens) {
    return new ConsoleLogin(tokens);
  }

  @Bean
  DelegatingFilterProxyRegistrationBean consoleSecurityFilter() {
    DelegatingFilterProxyRegistrationBean registration =
        new DelegatingFilterProxyRegistrationBean(
            AbstractSecurityWebApplicationInitializer.DEFAULT_FILTER_NAME);
    registration.setUrlPatterns(List.of("/console", "/console/*"));
    registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER);
    registration.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ERROR));
    return registration;
  }
}
