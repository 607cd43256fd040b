package org.thingservice.gateway.registry;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.alink.MessageIds;

/**
 * The gateway instances sharing the database (table gateway_instance), each with its own MessageId prefix and the
 * reply group it takes device replies in. A reply that reaches an instance other than the one whose call it answers
 * (the broker hands each reply of the shared subscription to one of the group) is known by its prefix and handed to
 * that instance if it is of the same group (ReplyHandOver); an instance without a group (or of another) receives every
 * reply itself, and each instance tells the others' replies from one that nobody is waiting for.
 */
public final class GatewayInstances extends ServiceSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayInstances.class);
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    /** an instance not seen for this long has stopped or crashed: its prefix is free again */
    static final Duration STALE = HEARTBEAT.multipliedBy(3);
    /** how often an id with a prefix not (yet) known sends us to the database to look for a new instance */
    private static final long LOOKUP_MILLIS = 1000;

    private final DataSource dataSource;
    private final Jdbc jdbc;
    private final Clock clock;
    private final int prefix;
    /** this instance's reply group, null without one */
    private final String replyGroup;
    private volatile Set<Integer> others = Set.of();
    /** the others in this instance's reply group: the ones a reply is handed over to */
    private volatile Set<Integer> sameGroup = Set.of();
    private volatile long lookedUpAt = Long.MIN_VALUE;
    private CamelContext camelContext;
    private ScheduledExecutorService heartbeat;

    private GatewayInstances(DataSource dataSource, Clock clock, int prefix, String replyGroup) {
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
        this.clock = clock;
        this.prefix = prefix;
        this.replyGroup = replyGroup;
    }

    /**
     * Joins the instances sharing this database under a MessageId prefix no running instance has.
     *
     * @param replyGroup the reply group this instance's reply subscriptions share (gateway.mqtt.reply-group), null
     *                   without one
     */
    public static GatewayInstances join(DataSource dataSource, Clock clock, String replyGroup) throws SQLException {
        for (int attempt = 0; attempt < 64; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(MessageIds.PREFIXES);
            if (claim(dataSource, clock, candidate, replyGroup)) {
                GatewayInstances instances = new GatewayInstances(dataSource, clock, candidate, replyGroup);
                instances.lookUp();
                LOG.info("MessageId prefix {} ({} other gateway instance(s) on this database)", candidate, instances.others.size());
                return instances;
            }
        }
        throw new IllegalStateException("No free MessageId prefix in 64 attempts: are thousands of gateway instances sharing this database?");
    }

    /** Takes this prefix if it is free, or if its instance has not been seen for STALE. */
    static boolean claim(DataSource dataSource, Clock clock, int prefix, String replyGroup) throws SQLException {
        long now = clock.millis();
        return new Jdbc(dataSource).withConnection(on -> on.insertUnlessDuplicate(
                "INSERT INTO gateway_instance (id_prefix, started_at, seen_at, reply_group) VALUES (?, ?, ?, ?)",
                prefix, now, now, replyGroup)
                // the prefix is taken: by an instance not seen for STALE, it is free
                || on.update("UPDATE gateway_instance SET started_at = ?, seen_at = ?, reply_group = ? WHERE id_prefix = ? AND seen_at < ?",
                        now, now, replyGroup, prefix, now - STALE.toMillis()) == 1);
    }

    public int prefix() {
        return prefix;
    }

    /**
     * Whether this MessageId prefix is another running instance's. A prefix not known yet is looked up in the
     * database (at most once a second), so an instance that has just started is known from its first reply on.
     */
    public boolean isAnotherInstance(int idPrefix) {
        if (idPrefix < 0 || idPrefix == prefix) {
            return false;
        }
        if (others.contains(idPrefix)) {
            return true;
        }
        if (clock.millis() - lookedUpAt >= LOOKUP_MILLIS) {
            try {
                lookUp();
            } catch (SQLException e) {
                LOG.debug("Cannot read the gateway instances ({})", e.getMessage());
            }
        }
        return others.contains(idPrefix);
    }

    /**
     * Whether this MessageId prefix is another running instance's in this instance's reply group, so that a reply to
     * its call reaches this instance instead of it (and is to be handed over). An instance without a group, or of
     * another group, receives its replies itself.
     */
    public boolean isInMyReplyGroup(int idPrefix) {
        return replyGroup != null && isAnotherInstance(idPrefix) && sameGroup.contains(idPrefix);
    }

    /** The other instances seen within STALE, and which of them share this one's reply group. */
    private void lookUp() throws SQLException {
        long now = clock.millis();
        lookedUpAt = now;
        record Seen(int prefix, String replyGroup) {
        }
        List<Seen> seen = jdbc.queryAll("SELECT id_prefix, reply_group FROM gateway_instance WHERE seen_at >= ? AND id_prefix <> ?",
                rs -> new Seen(rs.getInt(1), rs.getString(2)), now - STALE.toMillis(), prefix);
        sameGroup = seen.stream().filter(other -> replyGroup != null && replyGroup.equals(other.replyGroup()))
                .map(Seen::prefix).collect(Collectors.toUnmodifiableSet());
        others = seen.stream().map(Seen::prefix).collect(Collectors.toUnmodifiableSet());
    }

    /** Tells the others this instance still runs (or takes its prefix back, after a pause long enough to lose it). */
    void beat() throws SQLException {
        int updated = jdbc.update("UPDATE gateway_instance SET seen_at = ? WHERE id_prefix = ?", clock.millis(), prefix);
        if (updated == 0 && !claim(dataSource, clock, prefix, replyGroup)) {
            LOG.warn("MessageId prefix {} was taken by another gateway instance while this one was not seen for {}; "
                    + "replies to the two cannot be told apart until one restarts", prefix, STALE);
        }
        lookUp();
    }

    @Override
    protected void doStart() {
        // a daemon thread of Camel's, shut down with the context at the latest
        heartbeat = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "GatewayInstancesHeartbeat");
        heartbeat.scheduleWithFixedDelay(() -> {
            try {
                beat();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Cannot tell the other gateway instances this one runs ({})", e.getMessage());
            }
        }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (heartbeat != null) {
            camelContext.getExecutorServiceManager().shutdownNow(heartbeat);
        }
        try {
            jdbc.update("DELETE FROM gateway_instance WHERE id_prefix = ?", prefix);
        } catch (SQLException e) {
            LOG.debug("Could not leave the gateway instances ({}); the prefix is free again after {}", e.getMessage(), STALE);
        }
    }

    /** Set when the instance is added to the context as a service: its heartbeat runs on a thread of the context's. */
    @Override
    public void setCamelContext(CamelContext context) {
        camelContext = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
