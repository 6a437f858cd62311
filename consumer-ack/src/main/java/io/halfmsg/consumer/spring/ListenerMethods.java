package io.halfmsg.consumer.spring;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/** Collects the {@link HalfmsgListener} methods of every bean as the beans are created. */
final class ListenerMethods implements BeanPostProcessor {

  /** One annotated method of one bean. */
  record Endpoint(Object bean, String beanName, Method method, HalfmsgListener annotation) {}

  private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    Class<?> target = AopUtils.getTargetClass(bean);
    if (!AnnotationUtils.isCandidateClass(target, HalfmsgListener.class)) {
      return bean;
    }
    Map<Method, HalfmsgListener> methods =
        MethodIntrospector.selectMethods(
            target,
            (MethodIntrospector.MetadataLookup<HalfmsgListener>)
                m -> AnnotatedElementUtils.findMergedAnnotation(m, HalfmsgListener.class));
    // Invoke through the bean itself (maybe a proxy), so that its own advice still applies.
    methods.forEach(
        (method, annotation) ->
            endpoints.add(
                new Endpoint(
                    bean,
                    beanName,
                    AopUtils.selectInvocableMethod(method, bean.getClass()),
                    annotation)));
    return bean;
  }

  List<Endpoint> endpoints() {
    return List.copyOf(endpoints);
  }
}
