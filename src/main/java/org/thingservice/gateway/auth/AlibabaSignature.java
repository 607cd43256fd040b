package org.thingservice.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Alibaba Cloud POP request signatures, as pure functions.
 *
 * <ul>
 *   <li>V2 ({@code SignatureMethod=HMAC-SHA1}, {@code SignatureVersion=1.0}): RPC-style signature carried in the
 *       {@code Signature} parameter.</li>
 *   <li>V3 ({@code ACS3-HMAC-SHA256}): signature carried in the {@code Authorization} header, used by the new Tea
 *       SDKs by default.</li>
 * </ul>
 *
 * All methods are stateless and thread-safe.
 */
public final class AlibabaSignature {

    /** The V3 algorithm name, first token of the {@code Authorization} header and first line of the StringToSign. */
    public static final String V3_ALGORITHM = "ACS3-HMAC-SHA256";

    /** Hex SHA-256 of the empty byte array. */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();
    private static final HexFormat LOWER_HEX = HexFormat.of();

    /** Orders names by Unicode code point, i.e. by the byte order of their UTF-8 encoding. */
    static final Comparator<String> BYTE_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    private AlibabaSignature() {
    }

    /**
     * Alibaba POP percent-encoding: UTF-8; {@code A-Z a-z 0-9 - _ . ~} kept, every other byte as {@code %XY} with
     * upper-case hex (so space is {@code %20}, {@code *} is {@code %2A}). {@code null} encodes as the empty string.
     */
    public static String percentEncode(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(UPPER_HEX[c >> 4]).append(UPPER_HEX[c & 0x0F]);
            }
        }
        return out.toString();
    }

    /**
     * V2 StringToSign: {@code METHOD&%2F&percentEncode(canonicalizedQueryString)}. The {@code Signature} parameter is
     * ignored if present; names are sorted in byte order; {@code null} values are treated as empty.
     */
    public static String v2StringToSign(String httpMethod, Map<String, String> params) {
        List<String> names = new ArrayList<>(params.keySet());
        names.remove("Signature");
        names.sort(BYTE_ORDER);
        StringBuilder canonical = new StringBuilder();
        for (String name : names) {
            if (canonical.length() > 0) {
                canonical.append('&');
            }
            canonical.append(percentEncode(name)).append('=').append(percentEncode(params.get(name)));
        }
        return httpMethod.toUpperCase(Locale.ROOT) + "&" + percentEncode("/") + "&" + percentEncode(canonical.toString());
    }

    /** V2 signature: {@code Base64(HMAC-SHA1(key = secret + "&", v2StringToSign(...)))}. */
    public static String v2Signature(String httpMethod, Map<String, String> params, String accessKeySecret) {
        return v2SignatureOfStringToSign(v2StringToSign(httpMethod, params), accessKeySecret);
    }

    /** V2 signature of an already built StringToSign. */
    public static String v2SignatureOfStringToSign(String stringToSign, String accessKeySecret) {
        byte[] mac = hmac("HmacSHA1", (accessKeySecret + "&").getBytes(StandardCharsets.UTF_8),
                stringToSign.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(mac);
    }

    /**
     * V3 canonical request:
     * <pre>
     * METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedPayload
     * </pre>
     * The query is sorted by name (byte order), each pair {@code enc(k)=enc(v)} (empty value gives {@code k=}),
     * joined by {@code &}. Canonical headers are {@code name:trimmed-value\n} for every signed header, in the order
     * given by {@code signedHeaders} (the SDKs send them sorted), so a blank line precedes the SignedHeaders line.
     *
     * @param headers       request headers with lower-case names; a signed header that is absent counts as empty
     * @param signedHeaders header names as listed in the {@code SignedHeaders} of the Authorization header
     */
    public static String v3CanonicalRequest(String method, String canonicalUri, Map<String, String> query,
                                            Map<String, String> headers, List<String> signedHeaders,
                                            String hashedPayload) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(method.toUpperCase(Locale.ROOT)).append('\n');
        sb.append(canonicalUri == null || canonicalUri.isEmpty() ? "/" : canonicalUri).append('\n');

        List<String> names = new ArrayList<>(query.keySet());
        names.sort(BYTE_ORDER);
        boolean first = true;
        for (String name : names) {
            if (!first) {
                sb.append('&');
            }
            first = false;
            sb.append(percentEncode(name)).append('=').append(percentEncode(query.get(name)));
        }
        sb.append('\n');

        List<String> lowerSigned = new ArrayList<>(signedHeaders.size());
        for (String h : signedHeaders) {
            String name = h.trim().toLowerCase(Locale.ROOT);
            lowerSigned.add(name);
            String value = headers.get(name);
            sb.append(name).append(':').append(value == null ? "" : value.trim()).append('\n');
        }
        sb.append('\n');
        sb.append(String.join(";", lowerSigned)).append('\n');
        sb.append(hashedPayload);
        return sb.toString();
    }

    /** V3 StringToSign: {@code "ACS3-HMAC-SHA256\n" + hex(sha256(canonicalRequest))}. */
    public static String v3StringToSign(String canonicalRequest) {
        return V3_ALGORITHM + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /** V3 signature: {@code hex(HMAC-SHA256(key = secret, v3StringToSign(canonicalRequest)))}, lower-case hex. */
    public static String v3Signature(String canonicalRequest, String accessKeySecret) {
        byte[] mac = hmac("HmacSHA256", accessKeySecret.getBytes(StandardCharsets.UTF_8),
                v3StringToSign(canonicalRequest).getBytes(StandardCharsets.UTF_8));
        return LOWER_HEX.formatHex(mac);
    }

    /** Lower-case hex SHA-256 of {@code body} ({@code null} is treated as empty). */
    public static String sha256Hex(byte[] body) {
        return LOWER_HEX.formatHex(sha256(body == null ? new byte[0] : body));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 not available", e);
        }
    }

    private static byte[] hmac(String algorithm, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            // SecretKeySpec rejects an empty key; HMAC zero-pads keys to the block size, so one zero byte is equivalent.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " not available", e);
        }
    }
}
