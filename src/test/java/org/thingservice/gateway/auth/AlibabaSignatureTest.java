package org.thingservice.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pins every test vector of the reference, section 5.3 (V2) and 5.4 (V3). */
class AlibabaSignatureTest {

    private static final String SECRET = "testsecret";

    // ------------------------------------------------------------------------------------------- percentEncode

    @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "AZaz09-_.~ | AZaz09-_.~",
            "' ' | %20",
            "* | %2A",
            "+ | %2B",
            "/ | %2F",
            ": | %3A",
            "= | %3D",
            "& | %26",
            "% | %25",
            "'{\"param1\":1}' | %7B%22param1%22%3A1%7D",
            "é | %C3%A9",
            "中 | %E4%B8%AD",
            "'' | ''",
    })
    void percentEncodeFollowsPopRules(String in, String expected) {
        assertEquals(expected, AlibabaSignature.percentEncode(in));
    }

    @Test
    void percentEncodeUsesUpperCaseHex() {
        assertEquals("%0A%1F%7F%C3%BF", AlibabaSignature.percentEncode("\n\u001f\u007f\u00ff"));
    }

    @Test
    void percentEncodeOfNullIsEmpty() {
        assertEquals("", AlibabaSignature.percentEncode(null));
    }

    // ------------------------------------------------------------------------------------------- V2, vector A

    private static Map<String, String> vectorA() {
        Map<String, String> p = new HashMap<>();
        p.put("AccessKeyId", "testid");
        p.put("Action", "DescribeRegions");
        p.put("Format", "XML");
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf");
        p.put("SignatureVersion", "1.0");
        p.put("Timestamp", "2016-02-23T12:46:24Z");
        p.put("Version", "2014-05-26");
        return p;
    }

    @Test
    void vectorAStringToSign() {
        assertEquals("GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
                        + "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
                        + "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26",
                AlibabaSignature.v2StringToSign("GET", vectorA()));
    }

    @Test
    void vectorAGet() {
        assertEquals("OLeaidS1JvxuMvnyHOwuJ+uX5qY=", AlibabaSignature.v2Signature("GET", vectorA(), SECRET));
    }

    @Test
    void vectorAPost() {
        assertEquals("MxbnVAM4w6sft9xjVpe/GCKueuk=", AlibabaSignature.v2Signature("POST", vectorA(), SECRET));
    }

    @Test
    void v2StringToSignIgnoresSignatureParameter() {
        Map<String, String> p = vectorA();
        p.put("Signature", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
        assertEquals(AlibabaSignature.v2StringToSign("GET", vectorA()), AlibabaSignature.v2StringToSign("GET", p));
        assertEquals("OLeaidS1JvxuMvnyHOwuJ+uX5qY=", AlibabaSignature.v2Signature("GET", p, SECRET));
    }

    @Test
    void v2StringToSignSortsByNameRegardlessOfMapOrder() {
        Map<String, String> reversed = new LinkedHashMap<>();
        List.of("Version", "Timestamp", "SignatureVersion", "SignatureNonce", "SignatureMethod", "Format", "Action",
                "AccessKeyId").forEach(k -> reversed.put(k, vectorA().get(k)));
        assertEquals("OLeaidS1JvxuMvnyHOwuJ+uX5qY=", AlibabaSignature.v2Signature("GET", reversed, SECRET));
    }

    @Test
    void v2SortIsByteOrderSoUpperCaseBeforeLowerCase() {
        Map<String, String> p = new HashMap<>();
        p.put("a", "1");
        p.put("B", "2");
        assertEquals("GET&%2F&B%3D2%26a%3D1", AlibabaSignature.v2StringToSign("GET", p));
    }

    // ------------------------------------------------------------------------------------------- V2, vector B

    @Test
    void vectorBIotPub() {
        Map<String, String> p = new HashMap<>();
        p.put("Action", "Pub");
        p.put("MessageContent", "aGVsbG93b3JsZA=");
        p.put("Timestamp", "2017-10-02T09:39:41Z");
        p.put("SignatureVersion", "1.0");
        p.put("ServiceCode", "iot");
        p.put("Format", "XML");
        p.put("Qos", "0");
        p.put("SignatureNonce", "0715a395-aedf-4a41-bab7-746b43d38d88");
        p.put("Version", "2017-04-20");
        p.put("AccessKeyId", "testid");
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("RegionId", "cn-shanghai");
        p.put("ProductKey", "12345abcdeZ");
        p.put("TopicFullName", "/productKey/testdevice/get");
        assertEquals("Y9eWn4nF8QPh3c4zAFkM/k/u7eA=", AlibabaSignature.v2Signature("GET", p, SECRET));
    }

    // ------------------------------------------------------------------------------------------- V2, vector C

    /** Vector C's parameters: an InvokeThingService call as the core SDK signs it (SignatureVerifierTest uses them too). */
    static Map<String, String> vectorC(String nonce, String timestamp) {
        Map<String, String> p = new HashMap<>();
        p.put("AccessKeyId", "testid");
        p.put("Action", "InvokeThingService");
        p.put("Args", "{\"param1\":1}");
        p.put("DeviceName", "light");
        p.put("Format", "JSON");
        p.put("Identifier", "Set");
        p.put("ProductKey", "a1BwAGV****");
        p.put("RegionId", "cn-shanghai");
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureNonce", nonce);
        p.put("SignatureVersion", "1.0");
        p.put("Timestamp", timestamp);
        p.put("Version", "2018-01-20");
        return p;
    }

    @Test
    void vectorCGetStringToSignDoubleEncodesStars() {
        String sts = AlibabaSignature.v2StringToSign("GET",
                vectorC("e0a4e8d1-e3cd-4bd6-a814-6a9f27e3131317956627094251", "2026-11-26T03:11:49Z"));
        assertTrue(sts.startsWith("GET&%2F&AccessKeyId%3Dtestid%26Action%3DInvokeThingService"
                + "%26Args%3D%257B%2522param1%2522%253A1%257D%26DeviceName%3Dlight"), sts);
        assertTrue(sts.contains("%26ProductKey%3Da1BwAGV%252A%252A%252A%252A"), sts);
    }

    @Test
    void vectorCGet() {
        assertEquals("nqA8YxxUzREAHI1Edocz4lEZRnM=", AlibabaSignature.v2Signature("GET",
                vectorC("e0a4e8d1-e3cd-4bd6-a814-6a9f27e3131317956627094251", "2026-11-26T03:11:49Z"), SECRET));
    }

    @Test
    void vectorCPostQuery() {
        assertEquals("l06Wi1WL+2g2yXKzWsWE+pfPfP8=", AlibabaSignature.v2Signature("POST",
                vectorC("1e0b52f1-0b29-4125-bac4-66303e71cb8d17956627098021", "2026-11-26T03:11:49Z"), SECRET));
    }

    @Test
    void vectorCPostFormBodyArgsAreSigned() {
        // Args travels in the form body; it is part of the signed set like any query parameter.
        Map<String, String> p = vectorC("89133aec-4cb4-4454-aeb4-3b42f9f4d95e17956627230451", "2026-11-26T03:12:02Z");
        assertEquals("X3DTKcqjdkBntQMK0SewqaREq0Q=", AlibabaSignature.v2Signature("POST", p, SECRET));
        p.remove("Args");
        assertNotEquals("X3DTKcqjdkBntQMK0SewqaREq0Q=", AlibabaSignature.v2Signature("POST", p, SECRET));
    }

    // ------------------------------------------------------------------------------------------- V3, official vector

    private static final String V3_HASHED_CANONICAL_REQUEST =
            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259";
    private static final String V3_SIGNATURE = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

    static String v3OfficialCanonicalRequest() {
        Map<String, String> query = new HashMap<>();
        query.put("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd");
        query.put("RegionId", "cn-shanghai");
        Map<String, String> headers = new HashMap<>();
        headers.put("host", "ecs.cn-shanghai.aliyuncs.com");
        headers.put("x-acs-action", "RunInstances");
        headers.put("x-acs-version", "2014-05-26");
        headers.put("x-acs-date", "2023-10-26T10:22:32Z");
        headers.put("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d");
        headers.put("x-acs-content-sha256", AlibabaSignature.EMPTY_SHA256);
        List<String> signed = List.of("host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
                "x-acs-signature-nonce", "x-acs-version");
        return AlibabaSignature.v3CanonicalRequest("POST", "/", query, headers, signed,
                AlibabaSignature.sha256Hex(new byte[0]));
    }

    @Test
    void v3OfficialVectorCanonicalRequestText() {
        assertEquals("POST\n/\n"
                + "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
                + "host:ecs.cn-shanghai.aliyuncs.com\n"
                + "x-acs-action:RunInstances\n"
                + "x-acs-content-sha256:" + AlibabaSignature.EMPTY_SHA256 + "\n"
                + "x-acs-date:2023-10-26T10:22:32Z\n"
                + "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
                + "x-acs-version:2014-05-26\n"
                + "\n"
                + "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
                + AlibabaSignature.EMPTY_SHA256, v3OfficialCanonicalRequest());
    }

    @Test
    void v3OfficialVectorHashedCanonicalRequest() {
        assertEquals(V3_HASHED_CANONICAL_REQUEST,
                AlibabaSignature.sha256Hex(v3OfficialCanonicalRequest().getBytes(StandardCharsets.UTF_8)));
        assertEquals("ACS3-HMAC-SHA256\n" + V3_HASHED_CANONICAL_REQUEST,
                AlibabaSignature.v3StringToSign(v3OfficialCanonicalRequest()));
    }

    @Test
    void v3OfficialVectorSignature() {
        assertEquals(V3_SIGNATURE, AlibabaSignature.v3Signature(v3OfficialCanonicalRequest(), "YourAccessKeySecret"));
    }

    @Test
    void v3CanonicalRequestTrimsHeaderValuesAndKeepsEmptyQueryValue() {
        String cr = AlibabaSignature.v3CanonicalRequest("get", "/", Map.of("b", "", "a", "x y"),
                Map.of("x-acs-date", "  2023-10-26T10:22:32Z "), List.of("x-acs-date"), "h");
        assertEquals("GET\n/\na=x%20y&b=\nx-acs-date:2023-10-26T10:22:32Z\n\nx-acs-date\nh", cr);
    }

    @Test
    void sha256HexOfEmptyBody() {
        assertEquals(AlibabaSignature.EMPTY_SHA256, AlibabaSignature.sha256Hex(new byte[0]));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                AlibabaSignature.sha256Hex("abc".getBytes(StandardCharsets.UTF_8)));
    }
}
