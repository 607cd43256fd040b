package org.thingservice.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.registry.ProcessedRequests.Claim;
import org.thingservice.gateway.support.MigratedDatabase;

/** Where a redeliverable request stands across restarts, on the embedded database. */
class ProcessedRequestsTest {

    private final ProcessedRequests requests = new ProcessedRequests(MigratedDatabase.create());

    @Test
    void aNewRequestGoesToItsDevice() throws Exception {
        Exchange first = claim("RequestId:r1", "orders/0/1");

        assertThat(first.getProperty(Exchanges.CLAIM)).isEqualTo(Claim.NEW);
        requests.refuse(first); // lets it pass
    }

    @Test
    void sentBeforeACrashItsOutcomeIsUnknownAndThatAnswerIsKeptForTheNextRedelivery() throws Exception {
        claim("RequestId:r1", "orders/0/1"); // sent, then the process died

        Exchange redelivery = claim("RequestId:r1", "orders/0/1");
        assertThat(redelivery.getProperty(Exchanges.CLAIM)).isEqualTo(Claim.OUTCOME_UNKNOWN);
        assertThat(redelivery.getProperty(Exchanges.CLAIMED_AT, Long.class)).isPositive();
        assertThatThrownBy(() -> requests.refuse(redelivery)).hasMessageContaining("outcome is unknown");
        redelivery.setProperty(Exchanges.REQUEST_RESULT, "{\"unknown\":true}");
        requests.done(redelivery);

        Exchange again = claim("RequestId:r1", "orders/0/1");
        assertThat(again.getProperty(Exchanges.CLAIM)).isEqualTo(Claim.ANSWERED);
        assertThat(again.getProperty(Exchanges.REQUEST_RESULT)).isEqualTo("{\"unknown\":true}");
    }

    @Test
    void answeredBeforeItsAnswerIsKept() throws Exception {
        Exchange first = claim("RequestId:r1", "orders/0/1");
        first.setProperty(Exchanges.REQUEST_RESULT, "{\"Success\":true}");
        requests.done(first);

        Exchange redelivery = claim("RequestId:r1", "orders/0/1");
        assertThat(redelivery.getProperty(Exchanges.CLAIM)).isEqualTo(Claim.ANSWERED);
        assertThat(redelivery.getProperty(Exchanges.ALREADY_DONE)).isEqualTo(true);
        assertThat(redelivery.getProperty(Exchanges.REQUEST_RESULT)).isEqualTo("{\"Success\":true}");
        requests.refuse(redelivery);
    }

    @Test
    void anotherRecordWithTheSameRequestIdIsRefusedAndLeavesTheFirstsAnswerAlone() throws Exception {
        Exchange first = claim("RequestId:r1", "orders/0/1");
        first.setProperty(Exchanges.REQUEST_RESULT, "{\"Success\":true}");
        requests.done(first);

        Exchange other = claim("RequestId:r1", "orders/2/9");
        assertThat(other.getProperty(Exchanges.CLAIM)).isEqualTo(Claim.DUPLICATE);
        assertThatThrownBy(() -> requests.refuse(other)).hasMessageContaining("already sent").hasMessageContaining("orders/0/1");
        other.setProperty(Exchanges.REQUEST_RESULT, "{\"Success\":false}");
        requests.done(other);

        assertThat(claim("RequestId:r1", "orders/0/1").getProperty(Exchanges.REQUEST_RESULT)).isEqualTo("{\"Success\":true}");
    }

    @Test
    void claimsThatShareATransactionEachGetTheirOwnOutcome() throws Exception {
        // 8 threads claim 200 keys, each key twice from the same source: the claims are written together, and for
        // each key exactly one goes to its device; the other, written in the same transaction or a later one, does not
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Claim>> claims = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String key = "RequestId:c" + (i % 200);
                claims.add(threads.submit(() -> claim(key, "orders/" + key).getProperty(Exchanges.CLAIM, Claim.class)));
            }
            Map<Claim, Integer> outcomes = new EnumMap<>(Claim.class);
            for (Future<Claim> claim : claims) {
                // bounded: a claim that never returns (SQLite 3.51.1's deadlock did that) fails here, not the whole run
                outcomes.merge(claim.get(60, TimeUnit.SECONDS), 1, Integer::sum);
            }
            assertThat(outcomes).containsEntry(Claim.NEW, 200).containsEntry(Claim.OUTCOME_UNKNOWN, 200);
        } finally {
            threads.shutdown();
        }
    }

    private Exchange claim(String key, String source) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchanges.REQUEST_KEY, key);
        exchange.setProperty(Exchanges.REQUEST_SOURCE, source);
        requests.claim(exchange);
        return exchange;
    }
}
