package org.thingservice.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * AccessKeyId to AccessKeySecret, loaded from a CSV file:
 * <pre>
 * # comment
 * AccessKeyId,AccessKeySecret
 * testid,testsecret
 * </pre>
 * Blank lines and lines starting with {@code #} are ignored; the header is mandatory (the Alibaba console's
 * {@code AccessKey ID,AccessKey Secret} header is accepted too). Surrounding double quotes on a field are stripped.
 *
 * <p>On lookup, at most once per second, the file's last-modified time, size and identity are compared with the
 * last load; when they changed the file is re-read. A file that cannot be read or parsed leaves the previous keys in
 * force; the problem is reported to the listener given at construction and by {@link #lastError()}. No background
 * thread. Thread-safe. Secrets never appear in {@link #toString()} nor in error messages.
 */
public final class AccessKeys implements SignatureVerifier.SecretLookup {

    /** Minimum interval between two file checks triggered by lookups. */
    static final long CHECK_INTERVAL_MILLIS = 1000;

    /** The file is not a valid keys file. The message names the line, never its content. */
    public static final class MalformedKeysFileException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedKeysFileException(String message) {
            super(message);
        }
    }

    /** Outcome of a (re)load attempt. */
    public record ReloadResult(Status status, int keyCount, String error) {
        public enum Status { UNCHANGED, RELOADED, FAILED }
    }

    private record FileStamp(FileTime lastModified, long size, Object fileKey) {
    }

    private final Path file;
    private final Clock clock;
    private final Consumer<String> problemListener;
    private final ReentrantLock lock = new ReentrantLock();

    private volatile Map<String, String> keys;
    private volatile FileStamp stamp;        // stamp of the last load attempt (successful or not)
    private volatile long lastCheckMillis;
    private volatile String lastError;

    private AccessKeys(Path file, Clock clock, Consumer<String> problemListener) {
        this.file = Objects.requireNonNull(file, "file");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.problemListener = problemListener == null ? msg -> { } : problemListener;
    }

    /** Loads the keys file; fails if it cannot be read or is malformed. */
    public static AccessKeys load(Path file) throws IOException {
        return load(file, Clock.systemUTC(), null);
    }

    /**
     * Loads the keys file; fails if it cannot be read or is malformed.
     *
     * @param clock           drives the once-per-second change check
     * @param problemListener receives a (secret-free) message whenever a later reload fails; may be {@code null}
     */
    public static AccessKeys load(Path file, Clock clock, Consumer<String> problemListener) throws IOException {
        AccessKeys k = new AccessKeys(file, clock, problemListener);
        FileStamp s = k.readStamp();
        k.keys = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        k.stamp = s;
        k.lastCheckMillis = clock.millis();
        return k;
    }

    /** The secret of {@code accessKeyId}, or {@code null} when unknown. May first re-read a changed file. */
    @Override
    public String secretOf(String accessKeyId) {
        long now = clock.millis();
        long last = lastCheckMillis;
        if (now - last >= CHECK_INTERVAL_MILLIS || now < last) {
            // Only one thread checks; the others keep serving the current keys instead of queueing on file I/O.
            if (lock.tryLock()) {
                try {
                    if (now - lastCheckMillis >= CHECK_INTERVAL_MILLIS || now < lastCheckMillis) {
                        lastCheckMillis = now;
                        reloadIfChangedLocked();
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
        return accessKeyId == null ? null : keys.get(accessKeyId);
    }

    /** Re-reads the file now (ignoring the once-per-second throttle) if its stamp changed since the last attempt. */
    public ReloadResult reloadIfChanged() {
        lock.lock();
        try {
            lastCheckMillis = clock.millis();
            return reloadIfChangedLocked();
        } finally {
            lock.unlock();
        }
    }

    private ReloadResult reloadIfChangedLocked() {
        FileStamp current;
        try {
            current = readStamp();
        } catch (IOException e) {
            return failed(null, "cannot read access keys file " + file + ": " + e.getClass().getSimpleName());
        }
        if (current.equals(stamp)) {
            return new ReloadResult(ReloadResult.Status.UNCHANGED, keys.size(), null);
        }
        try {
            Map<String, String> loaded = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            keys = loaded;
            stamp = current;
            lastError = null;
            return new ReloadResult(ReloadResult.Status.RELOADED, loaded.size(), null);
        } catch (MalformedKeysFileException e) {
            return failed(current, "malformed access keys file " + file + ", keeping previous keys: " + e.getMessage());
        } catch (IOException e) {
            return failed(current, "cannot read access keys file " + file + ", keeping previous keys: "
                    + e.getClass().getSimpleName());
        }
    }

    /** Records a failure; remembering the stamp avoids re-parsing (and re-reporting) the same bad file each second. */
    private ReloadResult failed(FileStamp attempted, String message) {
        if (attempted != null) {
            stamp = attempted;
        }
        boolean repeated = message.equals(lastError);
        lastError = message;
        if (!repeated) {
            problemListener.accept(message);
        }
        return new ReloadResult(ReloadResult.Status.FAILED, keys.size(), message);
    }

    /** The message of the last failed reload, or {@code null} if the last attempt succeeded. */
    public String lastError() {
        return lastError;
    }

    /** Number of keys in force. */
    public int size() {
        return keys.size();
    }

    private FileStamp readStamp() throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(a.lastModifiedTime(), a.size(), a.fileKey());
    }

    /** Parses the CSV lines. Error messages carry line numbers only, never line content. */
    static Map<String, String> parse(List<String> lines) throws MalformedKeysFileException {
        Map<String, String> out = new HashMap<>();
        boolean headerSeen = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            if (!headerSeen) {
                if (!isHeader(t)) {
                    throw new MalformedKeysFileException("line " + lineNo
                            + ": expected header AccessKeyId,AccessKeySecret");
                }
                headerSeen = true;
                continue;
            }
            String[] f = t.split(",", -1);
            if (f.length != 2) {
                throw new MalformedKeysFileException("line " + lineNo + ": expected 2 fields, found " + f.length);
            }
            String id = unquote(f[0].trim());
            String secret = unquote(f[1].trim());
            if (id.isEmpty() || secret.isEmpty()) {
                throw new MalformedKeysFileException("line " + lineNo + ": empty AccessKeyId or AccessKeySecret");
            }
            if (out.putIfAbsent(id, secret) != null) {
                throw new MalformedKeysFileException("line " + lineNo + ": duplicate AccessKeyId " + id);
            }
        }
        if (!headerSeen) {
            throw new MalformedKeysFileException("missing header AccessKeyId,AccessKeySecret");
        }
        return Map.copyOf(out);
    }

    private static boolean isHeader(String line) {
        String[] f = line.split(",", -1);
        return f.length == 2
                && normalise(f[0]).equals("accesskeyid")
                && normalise(f[1]).equals("accesskeysecret");
    }

    private static String normalise(String s) {
        return unquote(s.trim()).replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1).trim();
        }
        return s;
    }

    @Override
    public String toString() {
        return "AccessKeys[file=" + file + ", keys=" + keys.size() + "]";
    }
}
