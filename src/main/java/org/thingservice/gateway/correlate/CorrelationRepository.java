package org.thingservice.gateway.correlate;

import java.sql.SQLException;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.spi.AggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;

/**
 * The correlation aggregator's repository: its groups, in memory, and the async calls kept in {@link PendingReplies}
 * behind them. An async reply that finds no group in memory (after a restart, or for a call another instance made)
 * gets the kept call back as its request half by {@link #restore}, a step of the reply route, so that it is still
 * forwarded. The database is read there, in the reply's thread, and never by the aggregator itself: the aggregator
 * reads its repository under one lock that every request and reply takes, and a request half always starts a group
 * that memory does not have yet.
 */
public final class CorrelationRepository extends ServiceSupport implements AggregationRepository {

    private static final Logger LOG = LoggerFactory.getLogger(CorrelationRepository.class);

    private final MemoryAggregationRepository memory = new MemoryAggregationRepository();
    private final PendingReplies pending;

    public CorrelationRepository(PendingReplies pending) {
        this.pending = pending;
    }

    @Override
    protected void doStart() throws Exception {
        int purged = pending.purgeExpired();
        if (purged > 0) {
            LOG.info("Deleted {} async call(s) whose reply window passed while their gateway was not running", purged);
        }
    }

    /**
     * Before an async reply joins the aggregator: when no group in memory waits for it, the call kept in the
     * database (if its window is still open) becomes the group it joins, and the reply completes it at once.
     */
    public void restore(Exchange reply) {
        String key = reply.getMessage().getHeader(Exchanges.CORRELATION_KEY, String.class);
        CamelContext context = reply.getContext();
        if (memory.get(context, key) != null) {
            return;
        }
        PendingReplies.Pending call;
        try {
            call = pending.find(key);
        } catch (SQLException e) {
            // the reply then finds nobody waiting for it: counted and logged by the correlator
            LOG.warn("Cannot look up the async call awaiting reply {} ({})", key, e.getMessage());
            return;
        }
        if (call == null) {
            return;
        }
        Exchange group = new DefaultExchange(context);
        group.setProperty(Exchanges.INVOCATION, Invocation.awaitingForward(call.requestId(), call.device(), call.identifier(), call.messageId()));
        group.setProperty(Exchanges.RESTORED, true);
        group.setProperty(ExchangePropertyKey.AGGREGATED_SIZE, 1); // one half in: the reply completes it (completionSize 2)
        group.getMessage().setHeader(Exchanges.CORRELATION_KEY, key);
        group.getMessage().setHeader(Exchanges.REPLY_TIMEOUT, Math.max(1, call.expiresAt() - pending.now()));
        // a duplicate reply restoring the same call at the same time is harmless: only one of them claims the row
        memory.add(context, key, group);
    }

    @Override
    public Exchange add(CamelContext context, String key, Exchange exchange) {
        return memory.add(context, key, exchange);
    }

    @Override
    public Exchange get(CamelContext context, String key) {
        return memory.get(context, key);
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
        return memory.getKeys();
    }
}
