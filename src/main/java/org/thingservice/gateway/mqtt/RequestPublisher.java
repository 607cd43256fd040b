package org.thingservice.gateway.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.apache.camel.support.AsyncProcessorSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.invoke.Exchanges;

/**
 * Publishes each request (the body, to the topic in header CamelPahoMqtt5OverrideTopic) without holding a thread until
 * the broker's PUBACK: the exchange goes on when the PUBACK arrives. camel-paho-mqtt5's producer publishes
 * synchronously, so every call parked a route worker until its PUBACK and handed it back across threads. A publish
 * the broker refuses, or any publish while the broker is away, fails at once (an MqttException: PublishMessageFailed);
 * one the broker does not acknowledge within the timeout fails then. Its own Paho client uses the paho-mqtt5
 * component's connection settings (broker, TLS, user, keep-alive, reconnect delay) and QoS.
 */
public final class RequestPublisher extends AsyncProcessorSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(RequestPublisher.class);
    /** of the client's id, and of the names of its threads (Paho's) */
    public static final String CLIENT_ID_PREFIX = "tsg-publisher-";
    /** what a broker that announces no Receive Maximum accepts (MQTT 5, 3.2.2.3.3) */
    private static final int MQTT5_DEFAULT_RECEIVE_MAXIMUM = 65535;
    /** how often publishes past their timeout are looked for, ms */
    private static final long SWEEP_MILLIS = 100;

    private final PahoMqtt5Configuration mqtt;
    private final Integer maxInFlight;
    private final long gateWaitMillis;
    private final long timeoutMillis;
    /** publishes in the order they were sent: with one timeout for all, also in the order they expire */
    private final Queue<Publish> inFlight = new ConcurrentLinkedQueue<>();
    /** held while a request is handed to Paho, see process */
    private final Object aliasOrder = new Object();
    private volatile MqttAsyncClient client;
    private PublishGate gate;
    private CamelContext camelContext;
    private ScheduledExecutorService sweeper;

    /**
     * At most maxInFlight requests await their PUBACK at once (null: as many as the broker's Receive Maximum allows,
     * and never more), the others wait for their turn up to gateWaitMillis; a request not acknowledged within
     * timeoutMillis fails.
     */
    public RequestPublisher(PahoMqtt5Configuration mqtt, Integer maxInFlight, long gateWaitMillis, long timeoutMillis) {
        this.mqtt = mqtt;
        this.maxInFlight = maxInFlight;
        this.gateWaitMillis = gateWaitMillis;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** Set when the publisher is added to the context as a service: its timeouts run on a thread Camel owns. */
    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Publish publish = new Publish(exchange, callback, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        try {
            gate.enter(exchange);
            MqttMessage message = new MqttMessage(exchange.getMessage().getBody(byte[].class));
            message.setQos(mqtt.getQos());
            message.setProperties(expiry(exchange.getMessage().getHeader(Exchanges.REPLY_TIMEOUT, Long.class)));
            inFlight.add(publish);
            // One at a time: Paho 1.2.5 gives a topic an alias (brokers announce a Topic Alias Maximum: mosquitto 10)
            // when it first publishes to it, and sends later publishes with the alias alone; the first one must be on
            // the wire before them, and concurrent publish calls did not keep that order: mosquitto then disconnected
            // the client for a protocol error (reason 130), failing every request in flight (seen in CrashIT).
            synchronized (aliasOrder) {
                client.publish(exchange.getMessage().getHeader(PahoMqtt5Constants.CAMEL_PAHO_OVERRIDE_TOPIC, String.class), message,
                        null, publish);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return publish.end(e, true);
        } catch (MqttException | RuntimeException e) {
            return publish.end(e, true);
        }
    }

    /**
     * The request's MQTT 5 Message Expiry Interval: as long as its caller waits for the reply (the header
     * TsgReplyTimeout: a sync call's Timeout, an async call's reply window), rounded up to whole seconds. A broker
     * keeping it for a device that is away (a persistent session) drops it then, so a device that comes back later
     * never acts on a call whose caller has given up.
     */
    static MqttProperties expiry(Long replyTimeoutMillis) {
        MqttProperties properties = new MqttProperties();
        if (replyTimeoutMillis != null) {
            properties.setMessageExpiryInterval(Math.max(1, (replyTimeoutMillis + 999) / 1000));
        }
        return properties;
    }

    /** For the health check: whether requests can reach the broker now. */
    public boolean isConnected() {
        return client != null && client.isConnected();
    }

    @Override
    protected void doStart() throws Exception {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setAutomaticReconnect(mqtt.isAutomaticReconnect());
        options.setMaxReconnectDelay(mqtt.getMaxReconnectDelay());
        options.setCleanStart(mqtt.isCleanStart());
        options.setConnectionTimeout(mqtt.getConnectionTimeout());
        options.setKeepAliveInterval(mqtt.getKeepAliveInterval());
        options.setSocketFactory(mqtt.getSocketFactory());
        if (mqtt.getUserName() != null) {
            options.setUserName(mqtt.getUserName());
            options.setPassword(mqtt.getPassword() != null ? mqtt.getPassword().getBytes(StandardCharsets.UTF_8) : null);
        }
        client = new MqttAsyncClient(mqtt.getBrokerUrl(), CLIENT_ID_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16), new MemoryPersistence());
        IMqttToken connected = client.connect(options);
        connected.waitForCompletion(TimeUnit.SECONDS.toMillis(mqtt.getConnectionTimeout()));
        // Paho refuses a publish past the broker's Receive Maximum outright: past it, requests wait their turn here
        Integer receiveMaximum = connected.getResponseProperties() != null ? connected.getResponseProperties().getReceiveMaximum() : null;
        int brokerLimit = receiveMaximum != null ? receiveMaximum : MQTT5_DEFAULT_RECEIVE_MAXIMUM;
        int limit = maxInFlight != null ? Math.min(maxInFlight, brokerLimit) : brokerLimit;
        gate = new PublishGate(limit, gateWaitMillis);
        LOG.info("MQTT requests: at most {} awaiting the broker's PUBACK at once (broker's Receive Maximum {})", limit, brokerLimit);
        // a daemon thread of Camel's, shut down with the context at the latest
        sweeper = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "MqttPublishTimeouts");
        sweeper.scheduleWithFixedDelay(this::expire, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        camelContext.getExecutorServiceManager().shutdownNow(sweeper);
        try {
            client.disconnect().waitForCompletion(TimeUnit.SECONDS.toMillis(mqtt.getConnectionTimeout()));
        } catch (MqttException e) {
            LOG.debug("MQTT publisher disconnect: {}", e.getMessage());
        } finally {
            client.close(true);
        }
    }

    /** Fails the publishes past their timeout, and forgets the ended ones ahead of them. */
    private void expire() {
        long now = System.nanoTime();
        for (Publish head = inFlight.peek(); head != null; head = inFlight.peek()) {
            if (!head.ended.get() && now - head.deadline < 0) {
                return;
            }
            inFlight.poll();
            head.end(ApiException.business(ErrorCodes.PUBLISH_FAILED, "The MQTT broker did not acknowledge the request within "
                    + timeoutMillis + " ms; it may or may not reach the device. Retry later."), false);
        }
    }

    /** One request on its way to the broker; it ends once, by its PUBACK, a failure or its timeout. */
    private final class Publish implements MqttActionListener {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final long deadline;
        private final AtomicBoolean ended = new AtomicBoolean();

        Publish(Exchange exchange, AsyncCallback callback, long deadline) {
            this.exchange = exchange;
            this.callback = callback;
            this.deadline = deadline;
        }

        @Override
        public void onSuccess(IMqttToken token) {
            int[] reasons = token.getReasonCodes();
            if (reasons != null && reasons.length > 0) {
                // e.g. 0x10, no matching subscribers: what ReplyHandOver learns a gone instance from
                exchange.setProperty(Exchanges.PUBACK_REASON_CODE, reasons[0]);
            }
            end(null, false);
        }

        @Override
        public void onFailure(IMqttToken token, Throwable failure) {
            end(failure, false);
        }

        /** Hands the exchange on (with the failure, if any), the first time only; returns doneSync for process. */
        boolean end(Throwable failure, boolean sync) {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            gate.leave(exchange);
            if (failure != null) {
                exchange.setException(failure);
            }
            callback.done(sync);
            return sync;
        }
    }
}
