package org.thingservice.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.thingservice.gateway.support.ExternalBinaries;

/**
 * The console's own HMAC-SHA1 signing (src/main/resources/console/signing.js), run by Node.js, against the gateway's
 * AlibabaSignature: parameters a browser test does not send (non-ASCII, spaces, reserved characters, a long secret,
 * a message past one SHA-1 block) are signed alike.
 */
class ConsoleSigningTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPT = Path.of("src/main/resources/console/signing.js");

    @TempDir
    Path dir;

    @Test
    void theConsoleSignsAsTheGatewayVerifies() throws Exception {
        Map<String, String> params = Map.of("Action", "InvokeThingService", "ProductKey", "a1LampDemo1", "DeviceName", "lamp-1",
                "Identifier", "SetColor", "Args", "{\"color\":1,\"label\":\"héllo wörld *~!'()𝄞 \\u00e9\"}", "Empty", "",
                "Long", "x".repeat(300));
        String secret = "s".repeat(70) + "é"; // longer than SHA-1's block: hashed first, as RFC 2104 says

        Map<String, String> signed = signInNode(params, "ConsoleKeyId", secret);

        assertThat(signed).containsAllEntriesOf(params).containsEntry("AccessKeyId", "ConsoleKeyId")
                .containsEntry("SignatureMethod", "HMAC-SHA1").containsEntry("SignatureVersion", "1.0");
        assertThat(signed.get("Timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(signed.get("SignatureNonce")).matches("[0-9a-f]{32}");
        assertThat(signed.get("Signature")).isEqualTo(AlibabaSignature.v2Signature("POST", signed, secret));
    }

    private Map<String, String> signInNode(Map<String, String> params, String id, String secret) throws Exception {
        Path runner = dir.resolve("sign.js");
        Files.writeString(runner, """
                const fs = require("fs");
                globalThis.btoa = (s) => Buffer.from(s, "binary").toString("base64");
                globalThis.crypto = require("crypto").webcrypto;
                const [script, params, id, secret] = process.argv.slice(2);
                const Signing = new Function(fs.readFileSync(script, "utf8") + "; return Signing;")();
                process.stdout.write(JSON.stringify(Signing.signV2("POST", JSON.parse(params), id, secret)));
                """);
        Process node = new ProcessBuilder(ExternalBinaries.node().toString(), runner.toString(), SCRIPT.toAbsolutePath().toString(),
                JSON.writeValueAsString(params), id, secret).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(out).isZero();
        return JSON.readValue(out, new TypeReference<LinkedHashMap<String, String>>() { });
    }
}
