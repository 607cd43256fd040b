package org.thingservice.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.thingservice.gateway.device.BrokerAuthentication;

/**
 * POST /broker/auth on the HTTP API's server (see {@link BrokerAuthentication}), served by a handler on the server's
 * own router rather than by a route: the server listens before the routes start, and the gateway's first MQTT
 * connection (the request publisher's, made before the routes start) already needs the broker to ask here.
 */
public final class BrokerAuthHandler implements Handler<RoutingContext> {

    public static final String PATH = "/broker/auth";

    private final BrokerAuthentication authentication;

    public BrokerAuthHandler(BrokerAuthentication authentication) {
        this.authentication = authentication;
    }

    /** Serves PATH on the server with this configuration, from the moment it listens. */
    public void register(VertxPlatformHttpServerConfiguration configuration) {
        ServerHandlers.add(configuration, PATH, this);
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (ctx.request().method() != HttpMethod.POST) {
            response.setStatusCode(405).end();
            return;
        }
        String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        ctx.request().body()
                // the device is read from the registry: off the event loop
                .compose(body -> ctx.vertx().executeBlocking(() -> authentication.answer(authorization, body.toString(StandardCharsets.UTF_8)), false))
                .onSuccess(answer -> response.setStatusCode(answer.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(Buffer.buffer(answer.body())))
                .onFailure(failure -> {
                    if (!response.ended()) {
                        response.setStatusCode(500).end();
                    }
                });
    }
}
