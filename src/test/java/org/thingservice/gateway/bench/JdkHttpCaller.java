package org.thingservice.gateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** java.net.http.HttpClient, HTTP/1.1: its pool keeps one keep-alive connection per concurrent caller. */
final class JdkHttpCaller implements Caller {
    private final HttpClient client;
    private final String base;

    JdkHttpCaller(HttpClient client, int port) {
        this.client = client;
        this.base = "http://127.0.0.1:" + port;
    }

    @Override
    public void call(int param) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + BenchCalls.query(param)))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        BenchCalls.check(response.statusCode(), response.body(), param);
    }

    @Override
    public void close() {
    }
}
