package org.thingservice.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports for the servers a test starts, never the same one twice in this JVM. */
public final class FreePorts {

    /**
     * The ports handed out so far. The system gives back a port it just freed about once in 5,000 asks on these
     * machines: a test's HTTP API and its broker could then be given one port, and one of the two could not listen.
     */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    public static synchronized int next() {
        for (int tries = 0; tries < 1_000; tries++) {
            int port = bindAny();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no loopback port left that this JVM has not handed out: " + HANDED_OUT.size());
    }

    private static int bindAny() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
