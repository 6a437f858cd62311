package io.halfmsg.rocketmq.spring;

import java.util.Set;
import org.apache.rocketmq.spring.annotation.ExtRocketMQTemplateConfiguration;
import org.apache.rocketmq.spring.annotation.RocketMQTransactionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Says at start-up, once for each {@code @ExtRocketMQTemplateConfiguration} template that has a
 * {@code @RocketMQTransactionListener}, that its transactional messages still go to RocketMQ
 * itself: only the {@code rocketMQTemplate} bean is halfmsg's, and an application moved to halfmsg
 * would otherwise not notice that some of its transactions were left behind. Templates without a
 * transaction listener cannot send transactions at all and are not mentioned.
 */
final class ExtTemplateWarning implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(ExtTemplateWarning.class);

  private final ListableBeanFactory beans;

  ExtTemplateWarning(ListableBeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public void afterSingletonsInstantiated() {
    Set<String> extTemplates =
        Set.of(beans.getBeanNamesForAnnotation(ExtRocketMQTemplateConfiguration.class));
    for (String listener : beans.getBeanNamesForAnnotation(RocketMQTransactionListener.class)) {
      // As rocketmq-spring registers listeners: the scoped proxy, not its target.
      if (ScopedProxyUtils.isScopedTarget(listener)) {
        continue;
      }
      String template =
          beans
              .findAnnotationOnBean(listener, RocketMQTransactionListener.class)
              .rocketMQTemplateBeanName();
      if (extTemplates.contains(template)) {
        log.warn(
            "RocketMQ template bean '{}' (@ExtRocketMQTemplateConfiguration) sends its"
                + " transactional messages, decided by @RocketMQTransactionListener bean '{}', to"
                + " RocketMQ itself, not through halfmsg: only the rocketMQTemplate bean's"
                + " sendMessageInTransaction goes through halfmsg. Send them with rocketMQTemplate"
                + " and decide them in its @RocketMQTransactionListener, or leave them on RocketMQ"
                + " knowingly.",
            template,
            listener);
      }
    }
  }
}
