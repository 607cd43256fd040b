package org.thingservice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.thingservice.gateway.support.GatewayTestSupport;

/** The console's files at /console/, on a loopback gateway (where the console is on unless set off). */
class ConsoleFilesTest extends GatewayTestSupport {

    private HttpResponse<String> getPath(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path))
                .header("X-Echo-Me", "nope").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageAndItsScriptsAreServedWithAPolicyThatAllowsOnlyThem() throws Exception {
        HttpResponse<String> page = getPath("/console/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script src=\"console.js\"");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'", "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Echo-Me")).as("no request header goes back out").isEmpty();
        for (String script : new String[] {"console.js", "form.js", "signing.js"}) {
            HttpResponse<String> file = getPath("/console/" + script);
            assertThat(file.statusCode()).as(script).isEqualTo(200);
            assertThat(file.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        }
        assertThat(getPath("/console/index.html?x=1").body()).isEqualTo(page.body());
    }

    @Test
    void withoutTheSlashItRedirectsToThePage() throws Exception {
        HttpResponse<String> response = getPath("/console");

        assertThat(response.statusCode()).isEqualTo(301);
        assertThat(response.headers().firstValue("Location")).hasValue("/console/");
    }

    @Test
    void anyOtherNameIsNotFound() throws Exception {
        assertThat(getPath("/console/nothing.js").statusCode()).isEqualTo(404);
        assertThat(getPath("/console/%2e%2e/application.properties").statusCode()).isEqualTo(404);
        assertThat(getPath("/console/console/index.html").statusCode()).isEqualTo(404);
    }
}
