package org.thingservice.gateway;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.thingservice.gateway.alink.AlinkCodec;
import org.thingservice.gateway.alink.MessageIds;
import org.thingservice.gateway.device.DevicePresence;
import org.thingservice.gateway.device.RrpcForms;
import org.thingservice.gateway.invoke.InFlightLimit;
import org.thingservice.gateway.invoke.RequestValidator;
import org.thingservice.gateway.invoke.ThingModelValidator;
import org.thingservice.gateway.manage.DeviceManagement;
import org.thingservice.gateway.model.ArgsValidator;
import org.thingservice.gateway.registry.DeviceRegistry;
import org.thingservice.gateway.registry.GatewayInstances;

/** The invoke pipeline's steps: checking a call, limiting the calls in flight, the Alink messages, device management. */
public class InvokeConfiguration implements CamelConfiguration {

    @BindToRegistry("requestValidator")
    public RequestValidator requestValidator(@PropertyInject("gateway.invoke.timeout") long timeout,
            @PropertyInject("gateway.invoke.max-timeout") long maxTimeout,
            @PropertyInject("gateway.invoke.max-args-size") int maxArgsSize) {
        return new RequestValidator(timeout, maxTimeout, maxArgsSize);
    }

    @BindToRegistry("thingModelValidator")
    public ThingModelValidator thingModelValidator(@PropertyInject("gateway.invoke.allow-unknown-args") boolean allowUnknownArgs) {
        return new ThingModelValidator(new ArgsValidator(allowUnknownArgs));
    }

    @BindToRegistry("inFlightLimit")
    public InFlightLimit inFlightLimit(@PropertyInject("gateway.invoke.max-in-flight") int maxInFlight) {
        return new InFlightLimit(maxInFlight);
    }

    /** The Alink request and forwarded-reply messages, with MessageIds under this instance's prefix. */
    @BindToRegistry("alinkCodec")
    public AlinkCodec alinkCodec(GatewayInstances instances, DevicePresence presence,
            @PropertyInject("gateway.invoke.async-reply-window") long asyncReplyWindow,
            @PropertyInject("gateway.rrpc.ext-devices") String extDevices) {
        return new AlinkCodec(new MessageIds(instances.prefix()), asyncReplyWindow,
                new RrpcForms(Settings.optional(extDevices), presence)::extRrpc);
    }

    @BindToRegistry("deviceManagement")
    public DeviceManagement deviceManagement(DeviceRegistry devices, DevicePresence presence) {
        return new DeviceManagement(devices, presence);
    }
}
