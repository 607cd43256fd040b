package org.thingservice.gateway;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.correlate.PendingReplies;
import org.thingservice.gateway.correlate.ReplyCorrelator;
import org.thingservice.gateway.device.DevicePresence;
import org.thingservice.gateway.http.HttpRequestReader;
import org.thingservice.gateway.invoke.InFlightLimit;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.invoke.Responses;
import org.thingservice.gateway.invoke.ThingModelValidator;
import org.thingservice.gateway.registry.DeviceRegistry;

/**
 * The steps every InvokeThingService call takes (routes/http.camel.yaml, invoke.camel.yaml, replies.camel.yaml), as
 * Processors for process: steps. A bean: step finds its method again on every call (BeanInfo.createInvocation,
 * chooseMethod, a reflective call, and for a result a new message the old one's headers are copied into); a Processor
 * is called straight. A step that produces a result makes it the body, as a bean step does. Steps off the hot path
 * (errors, device management, the Kafka and file sources' own steps) stay bean: steps.
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

    /** The call's Invocation: the body each source's reader step leaves, as the bean steps took it. */
    private static Invocation invocation(Exchange exchange) throws InvalidPayloadException {
        return exchange.getMessage().getMandatoryBody(Invocation.class);
    }
}
