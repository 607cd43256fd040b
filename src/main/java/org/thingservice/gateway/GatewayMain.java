package org.thingservice.gateway;

import java.nio.file.Path;
import java.util.List;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/** java -jar thing-service-gateway.jar: defaults from the jar, overridden by ./application.properties, env vars and -D. */
public final class GatewayMain {

    private static final String WORKING_DIRECTORY_PROPERTIES = "application.properties";

    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        // HiveMQ's jar carries a logback.xml of its own: name ours so logback does not have to choose
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "gateway-logback.xml");
        }
        // every setting as a variable, CAMEL_SERVER_PORT and CAMEL_COMPONENT_* included (Camel alone skips those)
        List<String> fromEnvironment = EnvironmentSettings.apply(System.getenv(), Path.of(WORKING_DIRECTORY_PROPERTIES));
        if (!fromEnvironment.isEmpty()) {
            // the keys only: a value may be a password
            LoggerFactory.getLogger(GatewayMain.class).info("Settings from environment variables: {}", String.join(", ", fromEnvironment));
        }
        Main main = new Main();
        // the first location that has a key wins: ./application.properties must come before the packaged defaults
        main.setPropertyPlaceholderLocations("file:" + WORKING_DIRECTORY_PROPERTIES + ";optional=true,classpath:application.properties");
        main.configure().addConfiguration(GatewayConfiguration.class);
        try {
            main.run(args);
        } catch (Exception e) {
            // A start that fails once the embedded broker runs (a bad setting, a database that never came) would
            // otherwise leave the broker's threads keeping the process alive, serving nothing: it must end, and say why.
            LoggerFactory.getLogger(GatewayMain.class).error("The gateway did not start", e);
            System.exit(1);
        }
    }
}
