package org.thingservice.gateway.http;

import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.TCPServerBase;
import java.lang.reflect.Field;
import org.apache.camel.CamelContext;
import org.apache.camel.Ordered;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Fails the start when an HTTP server of the gateway does not listen. Camel 4.17 (VertxPlatformHttpServer) only logs a
 * WARN when its port is in use and starts anyway: the gateway then seemed up and served nothing, and a call to the port
 * reached whatever held it (a broker there closed the connection without a byte). Checked when the routes have been
 * warmed up and before any of them consumes, so that no Kafka or file request is taken by a gateway that must stop.
 * <p>
 * Camel gives no way to ask: its server keeps the Vert.x server in a protected field, and the server's public
 * actualPort() is the configured port even when the bind failed; only Vert.x's TCPServerBase.isListening() tells. Both
 * are read here, in one place, and a Camel or Vert.x upgrade that moves them fails every start (and test) loudly.
 */
public final class HttpListening implements StartupListener, Ordered {

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        // the servers are not started yet: camel-main defers them to onCamelContextStarted
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        if (alreadyStarted) {
            return; // routes started later (a resume) find the servers as the start left them
        }
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            // Camel's deferred-service listener starts it at this same step, maybe after this one: starting a
            // started service does nothing, so the order of the two does not matter
            ServiceHelper.startService(server);
            check(server.getHost(), server.getConfigurationPort(), listening(server));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST;
    }

    private static boolean listening(VertxPlatformHttpServer server) throws ReflectiveOperationException {
        Field field = VertxPlatformHttpServer.class.getDeclaredField("server");
        field.setAccessible(true);
        HttpServer vertxServer = (HttpServer) field.get(server);
        return vertxServer instanceof TCPServerBase tcp && tcp.isListening();
    }

    /** Throws unless the server listens. */
    static void check(String host, int port, boolean listening) {
        if (!listening) {
            throw new IllegalStateException("The HTTP server could not listen on " + host + ":" + port
                    + " (the WARN line above says why: a port another process holds, or an address this machine does"
                    + " not have; camel.server.host and camel.server.port set them, camel.management.host and"
                    + " camel.management.port those of a management server of its own)");
        }
    }
}
