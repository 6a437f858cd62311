package io.halfmsg.standalone.demo;

/**
 * The demo's ports. {@link #FREE} picks free ones (the scenario run, CI); {@link #WELL_KNOWN} are
 * the ones the README's curl walkthrough uses.
 */
public record DemoPorts(
    int broker, int namesrv, int rocketMqBroker, int orderService, int repoService) {

  public static final DemoPorts FREE = new DemoPorts(0, 0, 0, 0, 0);

  public static final DemoPorts WELL_KNOWN = new DemoPorts(8080, 9876, 10911, 8081, 8082);
}
