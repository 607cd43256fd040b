package org.thingservice.gateway.mqtt;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.subscription.TopicSubscription;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.device.BrokerAccess;
import org.thingservice.gateway.device.DeviceLogin;
import org.thingservice.gateway.device.DevicePresence;
import org.thingservice.gateway.device.DeviceTopics;

/**
 * The embedded broker's part in device access, as a HiveMQ extension inside it: each connect is let in or refused
 * by {@link BrokerAccess}, a device gets the permissions of {@link DeviceTopics} (everything else denied), is
 * subscribed to its service topics when it asks ({@code _ss=1}), and its connects and disconnects go to
 * {@link DevicePresence}.
 */
final class DeviceBrokerExtension implements ExtensionMain {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceBrokerExtension.class);
    /** connection attributes: the device a connection was let in as (its client id and user name), and whether it is counted online */
    private static final String CLIENT_ID = "tsg.device.client-id";
    private static final String USER_NAME = "tsg.device.user-name";
    private static final String COUNTED = "tsg.device.counted";

    private final BrokerAccess access;
    private final DevicePresence presence;

    DeviceBrokerExtension(BrokerAccess access, DevicePresence presence) {
        this.access = access;
        this.presence = presence;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        SimpleAuthenticator authenticator = this::authenticate;
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
        presence.closer(clientId -> Services.clientService().disconnectClient(clientId));
        ClientLifecycleEventListener listener = new Lifecycle();
        Services.eventRegistry().setClientLifecycleEventListener(providerInput -> listener);
        // _ss=1 here, not at authentication: a clean start empties the session after that, and the initializer runs
        // once the session is there, before the CONNACK, so the device's first call already finds its subscriptions
        Services.initializerRegistry().setClientInitializer((initializerInput, clientContext) ->
                device(initializerInput.getConnectionInformation().getConnectionAttributeStore())
                        .filter(DeviceLogin::wantsSubscriptions)
                        .ifPresent(login -> subscribe(initializerInput.getClientInformation().getClientId(), login)));
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        // nothing of its own to release
    }

    private void authenticate(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectPacket connect = input.getConnectPacket();
        byte[] password = connect.getPassword().map(DeviceBrokerExtension::bytes).orElse(null);
        BrokerAccess.Decision decision = access.decide(connect.getClientId(), connect.getUserName().orElse(null), password);
        ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
        if (decision instanceof BrokerAccess.Device device) {
            remember(input, connect);
            for (DeviceTopics.Rule rule : DeviceTopics.permissions(device.login().productKey(), device.login().deviceName())) {
                permissions.add(Builders.topicPermission().topicFilter(rule.filter())
                        .type(rule.allow() ? TopicPermission.PermissionType.ALLOW : TopicPermission.PermissionType.DENY)
                        .activity(TopicPermission.MqttActivity.ALL).build());
            }
            permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
            output.authenticateSuccessfully();
        } else if (decision instanceof BrokerAccess.Refused refused) {
            LOG.info("MQTT connect refused, client id {}: {}", connect.getClientId(), refused.reason());
            output.failAuthentication(refused.retry() ? ConnackReasonCode.SERVER_UNAVAILABLE : ConnackReasonCode.NOT_AUTHORIZED,
                    refused.reason());
        } else {
            // the gateway's own clients, or anyone while device authentication is off
            if (decision instanceof BrokerAccess.Anyone anyone && anyone.device().isPresent()) {
                remember(input, connect);
            }
            permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.ALLOW);
            output.authenticateSuccessfully();
        }
    }

    /** Keeps the device's login with its connection, for the lifecycle events, which see neither user name nor password. */
    private static void remember(SimpleAuthInput input, ConnectPacket connect) {
        ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
        attributes.putAsString(CLIENT_ID, connect.getClientId());
        attributes.putAsString(USER_NAME, connect.getUserName().orElseThrow());
    }

    private static Optional<DeviceLogin> device(ConnectionAttributeStore attributes) {
        return attributes.getAsString(CLIENT_ID).flatMap(clientId -> DeviceLogin.parse(clientId, attributes.getAsString(USER_NAME).orElse(null)));
    }

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private final class Lifecycle implements ClientLifecycleEventListener {

        @Override
        public void onMqttConnectionStart(ConnectionStartInput input) {
            // nothing known yet: the connect is authenticated next
        }

        @Override
        public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
            ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
            device(attributes).ifPresent(login -> {
                attributes.putAsString(COUNTED, "true");
                presence.connected(login.productKey(), login.deviceName(), input.getClientInformation().getClientId(), login.extRrpc());
            });
        }

        @Override
        public void onDisconnect(DisconnectEventInput input) {
            ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
            if (attributes.getAsString(COUNTED).isPresent()) {
                device(attributes).ifPresent(login -> presence.disconnected(login.productKey(), login.deviceName(),
                        input.getClientInformation().getClientId()));
            }
        }
    }

    /**
     * _ss=1: the device's service topics, as its own subscriptions (QoS 1; No Local, so that a device does not get
     * its own replies on /sys/…/thing/service/{id}_reply back as calls).
     */
    private static void subscribe(String clientId, DeviceLogin login) {
        Set<TopicSubscription> subscriptions = DeviceTopics.serviceSubscriptions(login.productKey(), login.deviceName(), login.extRrpc())
                .stream()
                .map(filter -> Builders.topicSubscription().topicFilter(filter).qos(Qos.AT_LEAST_ONCE).noLocal(true).build())
                .collect(Collectors.toSet());
        Services.subscriptionStore().addSubscriptions(clientId, subscriptions).whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.warn("Could not subscribe device {}/{} to its service topics (_ss=1): {}", login.productKey(), login.deviceName(),
                        failure.getMessage());
            }
        });
    }
}
