package org.thingservice.gateway.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * {@code kafka-requests:topic?groupId=…&groupInstanceId=…&maxInFlight=…}: the Kafka source's endpoint, whose consumer
 * is the gateway's own sliding window over the requests topic ({@link KafkaRequestsConsumer}), in place of
 * camel-kafka's batch consumer, which commits a polled batch only when all of it is done. The Kafka client settings
 * (brokers, security) are the Kafka component's.
 */
public final class KafkaRequestsComponent extends DefaultComponent {

    private final Supplier<Properties> clientProperties;
    private final BooleanSupplier brokerConnected;

    /** brokerConnected: whether requests can reach the MQTT broker now (records wait while they cannot) */
    public KafkaRequestsComponent(Supplier<Properties> clientProperties, BooleanSupplier brokerConnected) {
        this.clientProperties = clientProperties;
        this.brokerConnected = brokerConnected;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String topic, Map<String, Object> parameters) throws Exception {
        String groupId = getAndRemoveParameter(parameters, "groupId", String.class);
        String groupInstanceId = getAndRemoveParameter(parameters, "groupInstanceId", String.class);
        int maxInFlight = getAndRemoveParameter(parameters, "maxInFlight", Integer.class);
        return new RequestsEndpoint(uri, this, topic, maxInFlight, () -> {
            Properties p = new Properties();
            p.putAll(clientProperties.get());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
            return p;
        });
    }

    /** The endpoint: a consumer only (results are written with camel-kafka's producer). */
    static final class RequestsEndpoint extends DefaultEndpoint {
        private final String topic;
        private final int maxInFlight;
        private final Supplier<Properties> clientProperties;

        RequestsEndpoint(String uri, KafkaRequestsComponent component, String topic, int maxInFlight, Supplier<Properties> clientProperties) {
            super(uri, component);
            this.topic = topic;
            this.maxInFlight = maxInFlight;
            this.clientProperties = clientProperties;
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            KafkaRequestsConsumer consumer = new KafkaRequestsConsumer(this, processor, topic, maxInFlight, clientProperties,
                    ((KafkaRequestsComponent) getComponent()).brokerConnected);
            configureConsumer(consumer);
            return consumer;
        }

        @Override
        public Producer createProducer() {
            throw new UnsupportedOperationException("kafka-requests is a consumer only");
        }
    }
}
