package org.thingservice.gateway.device;

import java.security.SecureRandom;

/** New DeviceSecrets, shaped like Alibaba's: 32 letters and digits (about 190 bits). */
public final class DeviceSecrets {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceSecrets() {
    }

    public static String generate() {
        StringBuilder secret = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            secret.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return secret.toString();
    }
}
