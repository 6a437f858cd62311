package io.halfmsg.rocketmq.spring.sample;

import org.apache.rocketmq.spring.annotation.ExtRocketMQTemplateConfiguration;
import org.apache.rocketmq.spring.core.RocketMQTemplate;

/** A template for plain sends only: no transaction listener. */
@ExtRocketMQTemplateConfiguration(
    nameServer = "${sample.ext-name-server}",
    instanceName = "sample-audit-template")
public class AuditRocketMQTemplate extends RocketMQTemplate {}
