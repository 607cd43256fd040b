package org.thingservice.gateway.correlate;

import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.spi.AggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;

/**
 * The correlation aggregator's repository: groups in memory while this instance waits for their reply, and the
 * async calls kept in {@link PendingReplies} behind them. A reply that finds no group in memory (after a restart,
 * or for an async call another instance made) gets the kept call back as its request half, so it is still
 * forwarded; on start the aggregator re-arms the timeouts of every kept call from {@link #getKeys()}.
 * The aggregator reads this under its lock, so the database is read only when memory has nothing.
 */
public final class CorrelationRepository extends ServiceSupport implements AggregationRepository {

    private static final Logger LOG = LoggerFactory.getLogger(CorrelationRepository.class);
    /** exchange property: set on a request half brought back from the database */
    public static final String RESTORED = "TsgRestored";

    private final MemoryAggregationRepository memory = new MemoryAggregationRepository();
    private final PendingReplies pending;

    public CorrelationRepository(PendingReplies pending) {
        this.pending = pending;
    }

    @Override
    protected void doStart() throws Exception {
        int purged = pending.purgeExpired();
        if (purged > 0) {
            LOG.info("Deleted {} async call(s) whose reply window passed while no gateway was running", purged);
        }
    }

    @Override
    public Exchange add(CamelContext context, String key, Exchange exchange) {
        return memory.add(context, key, exchange);
    }

    @Override
    public Exchange get(CamelContext context, String key) {
        Exchange group = memory.get(context, key);
        return group != null ? group : restore(context, key);
    }

    @Override
    public void remove(CamelContext context, String key, Exchange exchange) {
        memory.remove(context, key, exchange);
    }

    @Override
    public void confirm(CamelContext context, String exchangeId) {
        memory.confirm(context, exchangeId);
    }

    @Override
    public Set<String> getKeys() {
        Set<String> keys = new HashSet<>(memory.getKeys());
        try {
            keys.addAll(pending.keys());
        } catch (SQLException e) {
            throw new RuntimeCamelException("Cannot read the async calls awaiting their reply", e);
        }
        return keys;
    }

    /** The request half of a kept async call, as the aggregator would have held it, with the time it has left. */
    private Exchange restore(CamelContext context, String key) {
        PendingReplies.Pending call;
        try {
            call = pending.find(key);
        } catch (SQLException e) {
            // the reply is then treated as one nobody waits for: counted and logged by the correlator
            LOG.warn("Cannot look up the async call awaiting reply {} ({})", key, e.getMessage());
            return null;
        }
        if (call == null) {
            return null;
        }
        Exchange group = new DefaultExchange(context);
        long left = Math.max(1, call.expiresAt() - pending.now());
        group.setProperty(Exchanges.INVOCATION, Invocation.awaitingForward(call.requestId(), call.device(), call.identifier(), call.messageId()));
        group.setProperty(RESTORED, true);
        group.setProperty(ExchangePropertyKey.AGGREGATED_SIZE, 1);
        group.setProperty(ExchangePropertyKey.AGGREGATED_TIMEOUT, left);
        group.getMessage().setHeader(Exchanges.CORRELATION_KEY, key);
        group.getMessage().setHeader(Exchanges.REPLY_TIMEOUT, left);
        return group;
    }
}
