package org.thingservice.gateway.support;

import java.util.Properties;
import org.apache.camel.main.Main;
import org.thingservice.gateway.GatewayConfiguration;

/** A whole gateway run in this JVM, as `java -jar` would run it, for tests that stop and start it again. */
public final class InProcessGateway {

    private InProcessGateway() {
    }

    public static Main start(Properties settings) throws Exception {
        Main main = new Main();
        main.configure().addConfiguration(GatewayConfiguration.class);
        Properties p = new Properties();
        p.putAll(settings);
        p.setProperty("camel.server.port", Integer.toString(FreePorts.next()));
        main.setOverrideProperties(p);
        main.start();
        return main;
    }
}
