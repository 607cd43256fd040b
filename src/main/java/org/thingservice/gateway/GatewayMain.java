package org.thingservice.gateway;

import org.apache.camel.main.Main;

/** java -jar thing-service-gateway.jar: defaults from the jar, overridden by ./application.properties, -D and env vars. */
public final class GatewayMain {

    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        // HiveMQ's jar carries a logback.xml of its own: name ours so logback does not have to choose
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "gateway-logback.xml");
        }
        Main main = new Main();
        // the first location that has a key wins: ./application.properties must come before the packaged defaults
        main.setPropertyPlaceholderLocations("file:application.properties;optional=true,classpath:application.properties");
        main.configure().addConfiguration(GatewayConfiguration.class);
        main.run(args);
    }
}
