package org.thingservice.gateway;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.auth.AccessKeys;
import org.thingservice.gateway.auth.AuthenticationPolicy;
import org.thingservice.gateway.auth.CallerAuthentication;
import org.thingservice.gateway.auth.SignatureVerifier;

/**
 * Caller authentication. Configured first: a gateway that must not start (authentication off on an address others
 * can reach, or on without a keys file) starts nothing, not even its MQTT broker.
 */
public class AuthenticationConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationConfiguration.class);
    /** Alibaba's: a signed request's Timestamp may differ from the gateway's clock by at most 15 minutes */
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    /**
     * Whether HTTP callers must sign their calls (see AuthenticationPolicy), published as gateway.auth.enabled for
     * the HTTP route.
     */
    @BindToRegistry("authenticationPolicy")
    public AuthenticationPolicy authenticationPolicy(CamelContext context,
            @PropertyInject("gateway.auth.enabled") String enabled,
            @PropertyInject("gateway.mqtt.url") String brokerUrl,
            @PropertyInject("camel.server.host") String host,
            @PropertyInject("gateway.auth.allow-insecure") String allowInsecure) {
        AuthenticationPolicy policy = AuthenticationPolicy.decide(Settings.optional(enabled), Settings.optional(brokerUrl) == null,
                Settings.optional(host), Boolean.parseBoolean(Settings.optional(allowInsecure)));
        Settings.publish(context, "gateway.auth.enabled", Boolean.toString(policy.enabled()));
        if (policy.warning() != null) {
            LOG.warn(policy.warning());
        }
        return policy;
    }

    /**
     * When callers must sign: the verifier of their signatures against the keys file (none otherwise: a null bean
     * binds nothing).
     */
    @BindToRegistry("callerAuthentication")
    public CallerAuthentication callerAuthentication(AuthenticationPolicy policy,
            @PropertyInject("gateway.auth.keys") String keysFile,
            @PropertyInject("gateway.auth.max-nonces") int maxNonces) {
        if (!policy.enabled()) {
            return null;
        }
        String file = Settings.optional(keysFile);
        if (file == null) {
            throw new IllegalStateException("Caller authentication is on, but gateway.auth.keys names no keys file: create a "
                    + "CSV file with the header AccessKeyId,AccessKeySecret and one line per caller (docs/security.md, "
                    + "or docker/new-key) and set gateway.auth.keys to its path.");
        }
        Path path = Path.of(file).toAbsolutePath();
        AccessKeys keys;
        try {
            keys = AccessKeys.load(path, Clock.systemUTC(), LOG::warn);
        } catch (IOException e) {
            // the message names the file and the line, never a secret
            throw new IllegalStateException("Cannot load the access keys file " + path + " (gateway.auth.keys): " + e, e);
        }
        CallerAuthentication authentication = new CallerAuthentication(new SignatureVerifier(keys, Clock.systemUTC(),
                MAX_SKEW, maxNonces));
        LOG.info("Caller authentication on: {} access key(s) in {}, read again when it changes", keys.size(), path);
        return authentication;
    }
}
