package org.thingservice.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessKeysTest {

    private static final String INITIAL = "# keys for the gateway\n"
            + "AccessKeyId,AccessKeySecret\n"
            + "\n"
            + "testid,testsecret\n"
            + "# retired: oldid,oldsecret\n"
            + "  otherid , othersecret  \n";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T03:11:49Z"));
    private final List<String> problems = new ArrayList<>();

    private Path write(String content, Instant lastModified) throws IOException {
        Path f = dir.resolve("access-keys.csv");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(f, FileTime.from(lastModified));
        return f;
    }

    private AccessKeys load(Path f) throws IOException {
        return AccessKeys.load(f, clock, problems::add);
    }

    @Test
    void loadsKeysIgnoringBlankLinesCommentsAndSurroundingSpaces() throws IOException {
        AccessKeys keys = load(write(INITIAL, Instant.parse("2026-01-01T00:00:00Z")));
        assertEquals("testsecret", keys.secretOf("testid"));
        assertEquals("othersecret", keys.secretOf("otherid"));
        assertNull(keys.secretOf("oldid"));
        assertNull(keys.secretOf("# retired: oldid"));
        assertNull(keys.secretOf("AccessKeyId"));
        assertNull(keys.secretOf(null));
        assertEquals(2, keys.size());
    }

    @Test
    void acceptsAlibabaConsoleHeaderQuotesAndBom() throws IOException {
        AccessKeys keys = load(write("\uFEFF\"AccessKey ID\",\"AccessKey Secret\"\n\"LTAIxyz\",\"s3cr3t\"\n",
                Instant.parse("2026-01-01T00:00:00Z")));
        assertEquals("s3cr3t", keys.secretOf("LTAIxyz"));
    }

    @Test
    void headerOnlyFileMeansNoKeys() throws IOException {
        AccessKeys keys = load(write("AccessKeyId,AccessKeySecret\n", Instant.parse("2026-01-01T00:00:00Z")));
        assertEquals(0, keys.size());
        assertNull(keys.secretOf("testid"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",                                                      // truncated: no header at all
            "testid,testsecret\n",                                   // header missing
            "AccessKeyId,AccessKeySecret\ntestid\n",                 // one field
            "AccessKeyId,AccessKeySecret\ntestid,a,b\n",             // three fields
            "AccessKeyId,AccessKeySecret\ntestid,\n",                // empty secret
            "AccessKeyId,AccessKeySecret\n,testsecret\n",            // empty id
            "AccessKeyId,AccessKeySecret\ntestid,s1\ntestid,s2\n",   // duplicate id
    })
    void malformedFileFailsInitialLoadWithoutEchoingSecrets(String content) throws IOException {
        Path f = write(content, Instant.parse("2026-01-01T00:00:00Z"));
        IOException e = assertThrows(AccessKeys.MalformedKeysFileException.class, () -> load(f));
        assertFalse(e.getMessage().contains("testsecret"), e.getMessage());
        assertFalse(e.getMessage().contains("s1") || e.getMessage().contains("s2"), e.getMessage());
    }

    @Test
    void missingFileFailsInitialLoad() {
        assertThrows(IOException.class, () -> load(dir.resolve("absent.csv")));
    }

    @Test
    void reloadsAfterTheFileChangesOncePerSecondAtMost() throws IOException {
        Path f = write(INITIAL, Instant.parse("2026-01-01T00:00:00Z"));
        AccessKeys keys = load(f);
        assertEquals("testsecret", keys.secretOf("testid"));

        write("AccessKeyId,AccessKeySecret\ntestid,rotated\nnewid,newsecret\n", Instant.parse("2026-01-01T00:05:00Z"));
        // within the same second: no file check yet
        clock.advance(Duration.ofMillis(999));
        assertEquals("testsecret", keys.secretOf("testid"));
        assertNull(keys.secretOf("newid"));

        clock.advance(Duration.ofMillis(1));
        assertEquals("rotated", keys.secretOf("testid"));
        assertEquals("newsecret", keys.secretOf("newid"));
        assertNull(keys.secretOf("otherid"));
        assertNull(keys.lastError());
        assertTrue(problems.isEmpty(), problems::toString);
    }

    @Test
    void sameSizeContentWithNewLastModifiedTimeIsReloaded() throws IOException {
        Path f = write("AccessKeyId,AccessKeySecret\ntestid,secretA\n", Instant.parse("2026-01-01T00:00:00Z"));
        AccessKeys keys = load(f);
        write("AccessKeyId,AccessKeySecret\ntestid,secretB\n", Instant.parse("2026-01-01T00:00:01Z"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals("secretB", keys.secretOf("testid"));
    }

    @Test
    void unchangedStampIsNotReRead() throws IOException {
        Instant mtime = Instant.parse("2026-01-01T00:00:00Z");
        Path f = write("AccessKeyId,AccessKeySecret\ntestid,secretA\n", mtime);
        AccessKeys keys = load(f);
        // same size, same last-modified time: the cheap check sees no change
        write("AccessKeyId,AccessKeySecret\ntestid,secretB\n", mtime);
        clock.advance(Duration.ofSeconds(5));
        assertEquals("secretA", keys.secretOf("testid"));
        assertEquals(AccessKeys.ReloadResult.Status.UNCHANGED, keys.reloadIfChanged().status());
    }

    @Test
    void malformedFileKeepsPreviousKeysAndReportsTheProblem() throws IOException {
        Path f = write(INITIAL, Instant.parse("2026-01-01T00:00:00Z"));
        AccessKeys keys = load(f);

        write("AccessKeyId,AccessKeySecret\ntestid,leaked-secret,extra\n", Instant.parse("2026-01-01T00:05:00Z"));
        AccessKeys.ReloadResult result = keys.reloadIfChanged();
        assertEquals(AccessKeys.ReloadResult.Status.FAILED, result.status());
        assertNotNull(result.error());
        assertTrue(result.error().contains("line 2"), result.error());
        assertFalse(result.error().contains("leaked-secret"), result.error());
        assertEquals("testsecret", keys.secretOf("testid"));
        assertEquals("othersecret", keys.secretOf("otherid"));
        assertEquals(result.error(), keys.lastError());
        assertEquals(List.of(result.error()), problems);

        // the same broken file is not re-reported every second
        clock.advance(Duration.ofSeconds(2));
        keys.secretOf("testid");
        assertEquals(1, problems.size());

        // once fixed, it loads again
        write("AccessKeyId,AccessKeySecret\ntestid,fixed\n", Instant.parse("2026-01-01T00:06:00Z"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals("fixed", keys.secretOf("testid"));
        assertNull(keys.lastError());
    }

    @Test
    void deletedFileKeepsPreviousKeysAndReportsTheProblem() throws IOException {
        Path f = write(INITIAL, Instant.parse("2026-01-01T00:00:00Z"));
        AccessKeys keys = load(f);
        Files.delete(f);
        clock.advance(Duration.ofSeconds(1));
        assertEquals("testsecret", keys.secretOf("testid"));
        assertEquals(1, problems.size());
        assertNotNull(keys.lastError());
    }

    @Test
    void toStringHidesSecrets() throws IOException {
        AccessKeys keys = load(write(INITIAL, Instant.parse("2026-01-01T00:00:00Z")));
        String s = keys.toString();
        assertFalse(s.contains("testsecret"), s);
        assertFalse(s.contains("othersecret"), s);
        assertTrue(s.contains("keys=2"), s);
    }

    @Test
    void worksAsTheVerifiersSecretLookup() throws IOException {
        AccessKeys keys = load(write(INITIAL, Instant.parse("2026-01-01T00:00:00Z")));
        SignatureVerifier v = new SignatureVerifier(keys, clock, Duration.ofMinutes(15), 10);
        java.util.Map<String, String> p = new java.util.HashMap<>();
        p.put("AccessKeyId", "otherid");
        p.put("Action", "InvokeThingService");
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureVersion", "1.0");
        p.put("SignatureNonce", "n1");
        p.put("Timestamp", clock.instant().toString());
        p.put("Signature", AlibabaSignature.v2Signature("GET", p, "othersecret"));
        assertTrue(v.verify("GET", "/", p, java.util.Map.of(), null).ok());
    }
}
