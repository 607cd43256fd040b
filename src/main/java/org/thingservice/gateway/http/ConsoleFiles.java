package org.thingservice.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * The web console's files, read from the jar once at start and served at /console/: a fixed list, so no path a
 * caller sends can reach any other resource. /console answers with a redirect to /console/ (the page's relative
 * links need the slash); any other name is a 404.
 */
public final class ConsoleFiles {

    /** where the console is served */
    public static final String PATH = "/console";
    private static final String CLASSPATH_FOLDER = "console/";
    /** each file and its Content-Type; "" is the page itself */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "form.js", "text/javascript; charset=utf-8",
            "signing.js", "text/javascript; charset=utf-8");
    /**
     * the page runs its own scripts and styles only and talks to this server only; no frame may embed it (a
     * clickjacking page could otherwise press Invoke with the keys a user typed in)
     */
    private static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                    + "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private record File(byte[] bytes, String contentType) {
    }

    private final Map<String, File> files;

    private ConsoleFiles(Map<String, File> files) {
        this.files = files;
    }

    /** The files from the classpath; a missing one is a packaging mistake and fails the start. */
    public static ConsoleFiles load() {
        Map<String, File> files = new LinkedHashMap<>();
        FILES.forEach((name, contentType) -> {
            try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(CLASSPATH_FOLDER + name)) {
                if (in == null) {
                    throw new IllegalStateException("The console file " + CLASSPATH_FOLDER + name + " is not in the jar");
                }
                files.put(name, new File(in.readAllBytes(), contentType));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        files.put("", files.get("index.html"));
        return new ConsoleFiles(files);
    }

    /** Answers a GET under /console with a file, a redirect or a 404. */
    public void serve(Exchange exchange) {
        Message message = exchange.getMessage();
        // the path as sent, not decoded: NonBlockingHttpEngine copies no request header into the message
        String path = exchange.getMessage(HttpMessage.class).getRequest().path();
        String name = path.startsWith(PATH) ? path.substring(PATH.length()) : path;
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Cache-Control", "no-cache");
        if (name.isEmpty()) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 301);
            message.setHeader("Location", PATH + "/");
            message.setBody(null);
            return;
        }
        File file = files.get(name.substring(1));
        if (file == null) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            message.setBody("Not found");
            return;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, file.contentType());
        message.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        message.setHeader("X-Frame-Options", "DENY");
        message.setBody(file.bytes());
    }
}
