package io.halfmsg.rocketmq.spring;

import io.halfmsg.consumer.ReceivedMessage;
import java.lang.reflect.Type;
import java.nio.charset.Charset;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.core.ResolvableType;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Converts a received message to what a {@link RocketMQListener}'s {@code onMessage} takes, by
 * rocketmq-spring's rules: {@code MessageExt} (or {@code Message}) as it is, {@code String} as the
 * body's text, anything else through the template's message converter from that text.
 */
final class ListenerPayloads {

  private final Class<?> type;
  private final MessageConverter converter;
  private final Charset charset;

  ListenerPayloads(RocketMQListener<?> listener, MessageConverter converter, Charset charset) {
    Class<?> target = AopProxyUtils.ultimateTargetClass(listener);
    Type generic =
        ResolvableType.forClass(target).as(RocketMQListener.class).getGeneric(0).getType();
    Class<?> raw = ResolvableType.forType(generic).resolve(Object.class);
    this.type = raw;
    this.converter = converter;
    this.charset = charset;
  }

  Object convert(byte[] body, ReceivedMessage received) {
    if (type == MessageExt.class || type == org.apache.rocketmq.common.message.Message.class) {
      return messageExt(body, received);
    }
    String text = new String(body, charset);
    if (type == String.class) {
      return text;
    }
    Object payload = converter.fromMessage(MessageBuilder.withPayload(text).build(), type);
    if (payload == null) {
      throw new IllegalArgumentException("cannot convert message to " + type.getName());
    }
    return payload;
  }

  private static MessageExt messageExt(byte[] body, ReceivedMessage received) {
    MessageExt ext = new MessageExt();
    ext.setTopic(received.topic());
    ext.setBody(body);
    if (received.tag() != null) {
      ext.setTags(received.tag());
    }
    if (!received.keys().isEmpty()) {
      ext.setKeys(received.keys());
    }
    received.properties().forEach((k, v) -> MessageAccessor.putProperty(ext, k, v));
    ext.setMsgId(
        received.rocketMqMessageId() != null ? received.rocketMqMessageId() : received.messageId());
    ext.setReconsumeTimes(received.reconsumeTimes());
    return ext;
  }
}
