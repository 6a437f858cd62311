package io.halfmsg.consumer.spring;

import io.halfmsg.consumer.MessageHandler;
import io.halfmsg.consumer.ReceivedMessage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.sql.Connection;
import org.springframework.util.ReflectionUtils;

/** Calls a {@link HalfmsgListener} method with the payload and, if it asks, the message. */
final class ListenerInvoker implements MessageHandler<Object> {

  private final Object bean;
  private final Method method;
  private final int payloadIndex;
  private final int messageIndex;

  ListenerInvoker(Object bean, Method method) {
    this.bean = bean;
    this.method = method;
    int payload = -1;
    int message = -1;
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      if (types[i] == ReceivedMessage.class && message < 0) {
        message = i;
      } else if (payload < 0 && types[i] != ReceivedMessage.class) {
        payload = i;
      } else {
        throw invalid("has more than one payload parameter");
      }
    }
    if (payload < 0) {
      throw invalid("has no payload parameter");
    }
    this.payloadIndex = payload;
    this.messageIndex = message;
    ReflectionUtils.makeAccessible(method);
  }

  Type payloadType() {
    return method.getGenericParameterTypes()[payloadIndex];
  }

  @Override
  public void handle(Object payload, ReceivedMessage message, Connection connection)
      throws Exception {
    Object[] args = new Object[method.getParameterCount()];
    args[payloadIndex] = payload;
    if (messageIndex >= 0) {
      args[messageIndex] = message;
    }
    try {
      method.invoke(bean, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return method.getDeclaringClass().getName() + "." + method.getName();
  }

  private IllegalStateException invalid(String problem) {
    return new IllegalStateException(
        "@HalfmsgListener method "
            + method
            + " "
            + problem
            + ": it takes one payload parameter and optionally a ReceivedMessage");
  }
}
