package org.thingservice.gateway.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Collections;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerSocketsTest {

    /** the JDK's own CA store: a real PKCS12 trust store with a password, on every machine with a JDK */
    private static final Path CACERTS = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");

    @TempDir
    Path dir;

    @Test
    void aTcpBrokerGetsPlainSocketsWithTcpNoDelay() throws Exception {
        SocketFactory factory = BrokerSockets.forUrl("tcp://broker:1883", null, null);

        assertThat(factory).isInstanceOf(NoDelaySocketFactory.class).isNotInstanceOf(SSLSocketFactory.class);
        try (Socket socket = factory.createSocket()) {
            assertThat(socket.getTcpNoDelay()).isTrue();
        }
    }

    @Test
    void anSslBrokerGetsTlsSocketsWithTcpNoDelay() throws Exception {
        for (String url : new String[] {"ssl://broker:8883", "SSL://broker:8883", "wss://broker:443"}) {
            SocketFactory factory = BrokerSockets.forUrl(url, null, null);

            assertThat(factory).as(url).isInstanceOf(SSLSocketFactory.class); // Paho insists on it for ssl://
            try (Socket socket = factory.createSocket()) {
                assertThat(socket).isInstanceOf(SSLSocket.class);
                assertThat(socket.getTcpNoDelay()).isTrue();
            }
        }
    }

    @Test
    void aPkcs12TrustStoreIsReadWithItsPassword() throws Exception {
        KeyStore store = BrokerSockets.load(CACERTS, "changeit");

        assertThat(Collections.list(store.aliases())).isNotEmpty();
        assertThat(BrokerSockets.forUrl("ssl://broker:8883", CACERTS.toString(), "changeit")).isInstanceOf(SSLSocketFactory.class);
    }

    @Test
    void aPemFileOfCertificatesIsATrustStore() throws Exception {
        KeyStore jdk = BrokerSockets.load(CACERTS, "changeit");
        StringBuilder pem = new StringBuilder("# CAs for the broker\n");
        for (String alias : Collections.list(jdk.aliases()).subList(0, 2)) {
            Certificate certificate = jdk.getCertificate(alias);
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        Path file = Files.writeString(dir.resolve("ca.crt"), pem);

        KeyStore store = BrokerSockets.load(file, null);

        assertThat(Collections.list(store.aliases())).hasSize(2);
    }

    @Test
    void aMissingTrustStoreOrAWrongPasswordIsAnErrorNamingIt() {
        assertThatThrownBy(() -> BrokerSockets.forUrl("ssl://broker:8883", dir.resolve("absent.p12").toString(), null))
                .hasMessageContaining("absent.p12");
        assertThatThrownBy(() -> BrokerSockets.forUrl("ssl://broker:8883", CACERTS.toString(), "wrong")).isInstanceOf(Exception.class);
    }
}
