package org.thingservice.gateway.text;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * The one application/x-www-form-urlencoded decoder (query strings and form bodies): {@code +} is a space, {@code %XX}
 * a byte, the bytes UTF-8. Strict: a malformed escape or invalid UTF-8 is an error, never a guess.
 */
public final class FormEncoding {

    /** A value that does not decode; the message says why. */
    public static final class MalformedException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedException(String why) {
            super(why, null);
        }
    }

    /**
     * Each {@code name=value} pair of {@code a=1&b=2}, in order, still encoded: a pair without {@code =} has the
     * value "", empty pairs are skipped.
     */
    public static void forEachPair(String encoded, BiConsumer<String, String> each) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                each.accept(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
    }

    /** The decoded text; {@link MalformedException} for a malformed escape or invalid UTF-8. */
    public static String decode(String s) {
        if (isPlainAscii(s)) {
            return s; // nothing to decode: parameter names and most values
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new MalformedException("malformed percent-encoding");
                }
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedException("the value is not valid UTF-8");
        }
    }

    /** The decoded text, or {@code s} as it is when it does not decode (it then simply matches nothing). */
    public static String decodeOrKeep(String s) {
        try {
            return decode(s);
        } catch (MalformedException e) {
            return s;
        }
    }

    /** ASCII without % or +: decoding would give the same string back */
    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == '%' || c == '+') {
                return false;
            }
        }
        return true;
    }

    private FormEncoding() {
    }
}
