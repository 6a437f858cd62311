package io.halfmsg.rocketmq.spring.sample;

import org.apache.rocketmq.spring.annotation.ExtRocketMQTemplateConfiguration;
import org.apache.rocketmq.spring.core.RocketMQTemplate;

/**
 * A second template, declared as rocketmq-spring's samples declare one, with its own transaction
 * listener ({@link ExtTransactionListener}).
 */
@ExtRocketMQTemplateConfiguration(
    nameServer = "${sample.ext-name-server}",
    group = "ext-order-producer",
    instanceName = "sample-ext-template")
public class ExtRocketMQTemplate extends RocketMQTemplate {}
