package org.thingservice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input suite with caller authentication on: every call of BadInputTest, signed, gets the same clear error
 * (and still nothing reaches MQTT); unsigned or forged, the same hostile calls are refused before anything else.
 */
class SignedBadInputTest extends BadInputTest {

    private static final AccessKey KEY = new AccessKey("tsg-hostile-tester", "hostile-suite-secret");
    // no initialiser: settings() needs the file while the superclass is still being constructed
    private Path keysFile;

    @Override
    protected Map<String, String> settings() {
        if (keysFile == null) {
            keysFile = writeKeysFile(KEY);
        }
        Map<String, String> settings = new HashMap<>(super.settings());
        settings.put("gateway.auth.enabled", "true");
        settings.put("gateway.auth.keys", keysFile.toString());
        return settings;
    }

    @Override
    protected AccessKey accessKey() {
        return KEY;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badQueries")
    void unsignedBadInputIsRefusedBeforeAnythingElse(String name, String query, int status, String code, String mentions) throws Exception {
        RawReply response = rawGetAsIs(query);

        assertRefusedBeforeAnythingElse(response, code, "MissingParameter", "\"Signature\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badQueries")
    void forgedBadInputIsRefusedBeforeAnythingElse(String name, String query, int status, String code, String mentions) throws Exception {
        String forged = query + "&" + encode(signV2("GET", Map.of("Action", "InvokeThingService"), new AccessKey(KEY.id(), "guess"),
                java.time.Instant.now())).replace("Action=InvokeThingService&", "");

        assertRefusedBeforeAnythingElse(rawGetAsIs(forged), code, "SignatureDoesNotMatch", "signature");
    }

    /**
     * A 400 from authentication; only a request whose parameters cannot even be read (not UTF-8, given twice) is
     * refused for that first, as nothing can be verified about it.
     */
    private static void assertRefusedBeforeAnythingElse(RawReply response, String unsignedCode, String authCode, String mentions)
            throws Exception {
        JsonNode body = JSON.readTree(response.body());
        assertThat(response.status()).isEqualTo(400);
        assertThat(body.has("Success")).as("no call was attempted").isFalse();
        if (unsignedCode.equals("InvalidParameter")) {
            assertThat(body.path("Code").asText()).isEqualTo("InvalidParameter");
        } else {
            assertThat(body.path("Code").asText()).isEqualTo(authCode);
            assertThat(body.path("Message").asText()).containsIgnoringCase(mentions);
        }
    }
}
