package org.thingservice.gateway;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.auth.AuthenticationPolicy;
import org.thingservice.gateway.http.ConsoleFiles;

/**
 * The web console at /console/ (routes/console.camel.yaml): whether it is served, published as
 * gateway.console.enabled for the route's precondition, and its files.
 */
public class ConsoleConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleConfiguration.class);

    /** The console's files when it is served (none otherwise: a null bean binds nothing). */
    @BindToRegistry("consoleFiles")
    public ConsoleFiles consoleFiles(CamelContext context,
            @PropertyInject("gateway.console.enabled") String enabled,
            @PropertyInject("camel.server.host") String host,
            @PropertyInject("camel.server.port") int port) {
        boolean on = enabled(Settings.optional(enabled), Settings.optional(host));
        Settings.publish(context, "gateway.console.enabled", Boolean.toString(on));
        if (!on) {
            return null;
        }
        LOG.info("Web console at http://{}:{}{}/ (gateway.console.enabled)", host, port, ConsoleFiles.PATH);
        return ConsoleFiles.load();
    }

    /**
     * As set; unset, on only when the HTTP server listens on a loopback address: a console others can reach is a
     * choice to make, not a default (its calls are signed like any other when authentication is on).
     */
    static boolean enabled(String setting, String host) {
        return setting == null ? AuthenticationPolicy.isLoopback(host) : Boolean.parseBoolean(setting);
    }
}
