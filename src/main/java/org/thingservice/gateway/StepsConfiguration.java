package org.thingservice.gateway;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.correlate.PendingReplies;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.correlate.ReplyHandOver;
import org.thingservice.gateway.device.DevicePresence;
import org.thingservice.gateway.http.HttpRequestReader;
import org.thingservice.gateway.files.BatchFiles;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.InFlightLimit;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.invoke.Responses;
import org.thingservice.gateway.invoke.ThingModelValidator;
import org.thingservice.gateway.kafka.KafkaRequestReader;
import org.thingservice.gateway.observe.GatewayMetrics;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.registry.ProcessedRequests;

/**
 * The steps every InvokeThingService call takes (routes/http.camel.yaml, invoke.camel.yaml, replies.camel.yaml) and
 * every Kafka record and file line (kafka.camel.yaml, files.camel.yaml), as Processors for process: steps. A bean:
 * step finds its method again on every call (BeanInfo.createInvocation, chooseMethod, a reflective call, and for a
 * result a new message the old one's headers are copied into); a Processor is called straight. A step that produces a
 * result makes it the body, as a bean step does. Steps off the per-call path (errors, device management, a file's
 * open and write) stay bean: steps, and so does KafkaResultsAudit's, a bean only with Kafka on.
 */
public class StepsConfiguration implements CamelConfiguration {

    @BindToRegistry("readHttpRequest")
    public Processor readHttpRequest(HttpRequestReader reader) {
        return reader::read;
    }

    @BindToRegistry("httpInvocation")
    public Processor httpInvocation(HttpRequestReader reader) {
        return exchange -> exchange.getMessage().setBody(reader.invocation(exchange));
    }

    @BindToRegistry("enterInFlightLimit")
    public Processor enterInFlightLimit(InFlightLimit limit) {
        return limit::enter;
    }

    @BindToRegistry("leaveInFlightLimit")
    public Processor leaveInFlightLimit(InFlightLimit limit) {
        return limit::leave;
    }

    @BindToRegistry("validateRequest")
    public Processor validateRequest(RequestValidator validator) {
        return exchange -> validator.validate(invocation(exchange));
    }

    @BindToRegistry("lookupDevice")
    public Processor lookupDevice(DeviceRegistry registry) {
        return exchange -> registry.lookup(invocation(exchange));
    }

    @BindToRegistry("requireOnline")
    public Processor requireOnline(DevicePresence presence) {
        return exchange -> presence.requireOnline(invocation(exchange));
    }

    @BindToRegistry("checkArgs")
    public Processor checkArgs(ThingModelValidator validator) {
        return exchange -> validator.check(invocation(exchange));
    }

    @BindToRegistry("alinkRequest")
    public Processor alinkRequest(AlinkCodec codec) {
        return exchange -> exchange.getMessage().setBody(codec.request(exchange));
    }

    @BindToRegistry("recordPendingReply")
    public Processor recordPendingReply(PendingReplies pending) {
        return pending::record;
    }

    @BindToRegistry("successResponse")
    public Processor successResponse(Responses responses) {
        return exchange -> exchange.getMessage().setBody(responses.success(exchange));
    }

    @BindToRegistry("readRrpcReply")
    public Processor readRrpcReply(AlinkCodec codec) {
        return codec::rrpcReply;
    }

    @BindToRegistry("readExtRrpcReply")
    public Processor readExtRrpcReply(AlinkCodec codec) {
        return codec::extRrpcReply;
    }

    @BindToRegistry("readServiceReply")
    public Processor readServiceReply(AlinkCodec codec) {
        return codec::serviceReply;
    }

    @BindToRegistry("receiveHandedOverReply")
    public Processor receiveHandedOverReply(ReplyHandOver handOver) {
        return handOver::received;
    }

    @BindToRegistry("awaitReply")
    public Processor awaitReply(ReplyCorrelator correlator) {
        return correlator::await;
    }

    @BindToRegistry("completeCall")
    public Processor completeCall(ReplyCorrelator correlator) {
        return correlator::reply;
    }

    @BindToRegistry("completeAsyncCall")
    public Processor completeAsyncCall(ReplyCorrelator correlator) {
        return correlator::asyncReply;
    }

    @BindToRegistry("readKafkaRecord")
    public Processor readKafkaRecord(KafkaRequestReader reader) {
        return exchange -> exchange.getMessage().setBody(reader.read(exchange));
    }

    /** The result record names the call's MessageId, when the call got that far. */
    @BindToRegistry("messageIdHeader")
    public Processor messageIdHeader() {
        return exchange -> {
            Invocation invocation = exchange.getProperty(Exchanges.INVOCATION, Invocation.class);
            exchange.getMessage().setHeader(Exchanges.MESSAGE_ID_HEADER, invocation != null ? invocation.messageId() : null);
        };
    }

    @BindToRegistry("countKafkaRecord")
    public Processor countKafkaRecord(GatewayMetrics metrics) {
        return exchange -> metrics.kafkaRecord();
    }

    @BindToRegistry("readFileLine")
    public Processor readFileLine(BatchFiles files) {
        return exchange -> exchange.getMessage().setBody(files.line(exchange));
    }

    @BindToRegistry("recordFileLine")
    public Processor recordFileLine(BatchFiles files) {
        return files::record;
    }

    @BindToRegistry("countFileLine")
    public Processor countFileLine(GatewayMetrics metrics) {
        return exchange -> metrics.fileLine();
    }

    @BindToRegistry("claimRequest")
    public Processor claimRequest(ProcessedRequests processed) {
        return processed::claim;
    }

    @BindToRegistry("refuseRequest")
    public Processor refuseRequest(ProcessedRequests processed) {
        return processed::refuse;
    }

    @BindToRegistry("requestDone")
    public Processor requestDone(ProcessedRequests processed) {
        return processed::done;
    }

    /** The call's Invocation: the body each source's reader step leaves, as the bean steps took it. */
    private static Invocation invocation(Exchange exchange) throws InvalidPayloadException {
        return exchange.getMessage().getMandatoryBody(Invocation.class);
    }
}
