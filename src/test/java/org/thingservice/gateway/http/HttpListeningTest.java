package org.thingservice.gateway.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.FreePorts;

/**
 * Camel's own HTTP server, on a port another socket holds and on a free one: the check sees which one listens (Camel
 * only logs a WARN for the first), on the Camel and Vert.x versions the gateway runs.
 */
class HttpListeningTest {

    /** Camel's HTTP server in a plain Camel context, added as camel-main adds it and not started yet. */
    private static DefaultCamelContext contextWithServer(int port) throws Exception {
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost("127.0.0.1");
        configuration.setBindPort(port);
        DefaultCamelContext context = new DefaultCamelContext();
        context.addService(new VertxPlatformHttpServer(configuration), true, false);
        return context;
    }

    @Test
    void aServerWhosePortIsHeldElsewhereFailsTheStartSayingWhereAndWhy() throws Exception {
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = held.getLocalPort();
            DefaultCamelContext context = contextWithServer(port);
            try {
                assertThatThrownBy(() -> new HttpListening().onCamelContextStarted(context, false))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("The HTTP server could not listen on 127.0.0.1:" + port)
                        .hasMessageContaining("camel.server.port");
            } finally {
                context.stop();
            }
        }
    }

    @Test
    void aServerThatListensPasses() throws Exception {
        DefaultCamelContext context = contextWithServer(FreePorts.next());
        try {
            assertThatCode(() -> new HttpListening().onCamelContextStarted(context, false)).doesNotThrowAnyException();
        } finally {
            context.stop();
        }
    }
}
