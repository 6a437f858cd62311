package io.halfmsg.rocketmq.spring.sample;

import org.apache.rocketmq.spring.annotation.RocketMQTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;
import org.springframework.messaging.Message;

/** The {@link ExtRocketMQTemplate}'s listener: commits everything. */
@RocketMQTransactionListener(rocketMQTemplateBeanName = "extRocketMQTemplate")
public class ExtTransactionListener implements RocketMQLocalTransactionListener {

  @Override
  public RocketMQLocalTransactionState executeLocalTransaction(Message msg, Object arg) {
    return RocketMQLocalTransactionState.COMMIT;
  }

  @Override
  public RocketMQLocalTransactionState checkLocalTransaction(Message msg) {
    return RocketMQLocalTransactionState.COMMIT;
  }
}
