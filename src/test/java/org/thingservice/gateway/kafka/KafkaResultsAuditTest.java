package org.thingservice.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.registry.ProcessedRequests;
import org.thingservice.gateway.registry.ProcessedRequests.Claim;

/** Against a real Kafka: which redelivered request records already have their result on the results topic. */
class KafkaResultsAuditTest {

    private static EmbeddedKafka kafka;
    private static final long CLAIMED = System.currentTimeMillis();

    @BeforeAll
    static void results() throws Exception {
        kafka = new EmbeddedKafka();
        kafka.createTopics(2, "audit.results");
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String source : new String[] {"orders/0/7", "orders/1/3"}) {
                ProducerRecord<String, String> result = new ProducerRecord<>("audit.results", source, "{\"Success\":true}");
                result.headers().add(Exchanges.SOURCE_RECORD_HEADER, source.getBytes(StandardCharsets.UTF_8));
                producer.send(result).get();
            }
            producer.send(new ProducerRecord<>("audit.results", "no header", "{}")).get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    private final KafkaResultsAudit audit = new KafkaResultsAudit("audit.results", KafkaResultsAudit.consumers(KafkaResultsAuditTest::brokers));

    private static Properties brokers() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return p;
    }

    @Test
    void aRedeliveredRecordWhoseResultIsOnTheTopicIsNotAnsweredAgain() {
        assertThat(check(Claim.OUTCOME_UNKNOWN, "orders/0/7").getProperty(Exchanges.RESULT_WRITTEN)).isEqualTo(true);
        assertThat(check(Claim.ANSWERED, "orders/1/3").getProperty(Exchanges.RESULT_WRITTEN)).isEqualTo(true);
    }

    @Test
    void oneWithoutItsResultIsAnswered() {
        assertThat(check(Claim.OUTCOME_UNKNOWN, "orders/0/8").getProperty(Exchanges.RESULT_WRITTEN)).isNull();
        assertThat(check(Claim.ANSWERED, "orders/1/7").getProperty(Exchanges.RESULT_WRITTEN)).isNull();
    }

    @Test
    void aRecordClaimedNowIsNotLookedFor() {
        KafkaResultsAudit unreachable = new KafkaResultsAudit("audit.results", () -> {
            throw new AssertionError("no Kafka client for a record claimed now");
        });
        Exchange exchange = exchange(Claim.NEW, "orders/0/7");
        unreachable.check(exchange);
        assertThat(exchange.getProperty(Exchanges.RESULT_WRITTEN)).isNull();
    }

    @Test
    void resultsFromBeforeTheClaimLessTheClockMarginAreNotRead() {
        long muchLater = CLAIMED + 10 * KafkaResultsAudit.CLOCK_MARGIN_MS;
        assertThat(new KafkaResultsAudit("audit.results", KafkaResultsAudit.consumers(KafkaResultsAuditTest::brokers))
                .isWritten("orders/0/7", muchLater)).isFalse();
    }

    private Exchange check(Claim claim, String source) {
        Exchange exchange = exchange(claim, source);
        audit.check(exchange);
        return exchange;
    }

    private static Exchange exchange(Claim claim, String source) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchanges.CLAIM, claim);
        exchange.setProperty(Exchanges.REQUEST_SOURCE, source);
        exchange.setProperty(Exchanges.CLAIMED_AT, CLAIMED);
        return exchange;
    }
}
