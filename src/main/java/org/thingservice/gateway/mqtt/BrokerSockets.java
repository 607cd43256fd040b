package org.thingservice.gateway.mqtt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The sockets the gateway's MQTT clients connect with: TCP_NODELAY always, TLS for ssl:// (and wss://) brokers,
 * trusting the CAs of gateway.mqtt.trust-store or, without one, the JVM's default trust store.
 */
public final class BrokerSockets {

    private BrokerSockets() {
    }

    /**
     * @param trustStore         a PEM file of CA certificates (mosquitto's ca.crt) or a PKCS12/JKS trust store; null for
     *                           the JVM's default trust store
     * @param trustStorePassword the trust store's password, null for none (a PEM file has none)
     */
    public static SocketFactory forUrl(String brokerUrl, String trustStore, String trustStorePassword)
            throws IOException, GeneralSecurityException {
        String scheme = brokerUrl.substring(0, Math.max(0, brokerUrl.indexOf("://"))).toLowerCase(Locale.ROOT);
        if (!scheme.equals("ssl") && !scheme.equals("wss")) {
            return new NoDelaySocketFactory();
        }
        if (trustStore == null) {
            return new NoDelaySslSocketFactory((SSLSocketFactory) SSLSocketFactory.getDefault());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(Path.of(trustStore), trustStorePassword));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return new NoDelaySslSocketFactory(tls.getSocketFactory());
    }

    static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType()); // PKCS12, which also reads JKS
        if (new String(bytes, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
            store.load(null, null);
            int n = 0;
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + n++, certificate);
                }
            }
            if (n == 0) {
                throw new GeneralSecurityException("no certificate in the PEM file " + file);
            }
        } else {
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                store.load(in, password == null ? null : password.toCharArray());
            }
        }
        return store;
    }
}
