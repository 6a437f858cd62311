package io.halfmsg.consumer.spring.stockapp;

/** The payload producers send to the stock topic. */
public record Deduction(String product, int count) {}
