package io.halfmsg.broker.console;

import io.halfmsg.broker.web.ApiException;
import java.security.Principal;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.ModelAndView;

/**
 * What every console page has: the operator's name; and a refused page or action (a missing reason,
 * a message that is not PARKED, a stale preview, …) as a page with the API's status and
 * explanation, never a 5xx for bad input.
 */
@ControllerAdvice(assignableTypes = {ConsolePages.class, ConsoleActions.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
@ConditionalOnConsole
class ConsoleAdvice {

  @ModelAttribute("operator")
  String operator(Principal who) {
    return who == null ? null : who.getName();
  }

  @ExceptionHandler(ApiException.class)
  ModelAndView refused(ApiException e, Principal who) {
    ModelAndView page = new ModelAndView("console/error");
    page.setStatus(e.problem().status());
    page.addObject("operator", operator(who));
    page.addObject("title", e.problem().title());
    page.addObject("detail", e.getMessage());
    page.addObject("status", e.problem().status().value());
    return page;
  }
}
