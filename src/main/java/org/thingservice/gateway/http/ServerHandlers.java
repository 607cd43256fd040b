package org.thingservice.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;

/**
 * Handlers on the HTTP server's own router, ahead of the router the routes add themselves to, so that they work from
 * the moment the server listens (before the routes start, after they stop). Camel 4.17 offers no other hook on that
 * router than its authentication handlers, one per path, which a handler here is made as.
 */
final class ServerHandlers {

    private ServerHandlers() {
    }

    /** Adds handler for requests to path on the server with this configuration; it answers or passes them on (next). */
    static void add(VertxPlatformHttpServerConfiguration configuration, String path, Handler<RoutingContext> handler) {
        AuthenticationConfig.AuthenticationConfigEntry entry = new AuthenticationConfig.AuthenticationConfigEntry() {
            @Override
            public Handler<RoutingContext> createAuthenticationHandler(Vertx vertx) {
                return handler;
            }
        };
        entry.setPath(path);
        AuthenticationConfig handlers = configuration.getAuthenticationConfig();
        handlers.getEntries().add(entry);
        handlers.setEnabled(true);
    }
}
