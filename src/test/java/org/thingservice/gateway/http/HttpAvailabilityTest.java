package org.thingservice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gate in front of / on a real Vert.x router (no Camel): while the route does not serve, a call gets
 * ServiceUnavailable in the API's shape, in the Format it asked for; once it serves, the call goes through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpAvailabilityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpAvailability availability = new HttpAvailability();
    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private int port;

    @BeforeAll
    void startServer() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route(HttpAvailability.PATH).handler(availability);
        router.route(HttpAvailability.PATH).handler(ctx -> ctx.response().end("served"));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterAll
    void stopServer() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void whileNotServingACallGetsServiceUnavailableInJson() throws Exception {
        availability.serving(false);
        HttpResponse<String> response = get("/?Action=InvokeThingService");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json;charset=utf-8");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("Code").asText()).isEqualTo("ServiceUnavailable");
        assertThat(body.path("Message").asText()).contains("starting or stopping");
        assertThat(body.path("RequestId").asText()).matches("[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}");
        assertThat(body.fieldNames()).toIterable().containsExactly("RequestId", "Code", "Message");
    }

    @Test
    void formatXmlInAnyCaseGetsTheXmlErrorShape() throws Exception {
        availability.serving(false);
        for (String format : new String[] {"XML", "xml", "Xml"}) {
            HttpResponse<String> response = get("/?Action=InvokeThingService&Format=" + format);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/xml;charset=utf-8");
            assertThat(response.body()).startsWith("<Error><RequestId>");
            assertThat(new XmlMapper().readTree(response.body()).path("Code").asText()).isEqualTo("ServiceUnavailable");
        }
    }

    @Test
    void anUnknownFormatOrAnUndecodableQueryGetsJson() throws Exception {
        availability.serving(false);
        for (String query : new String[] {"Format=YAML", "Format=%E9"}) {
            HttpResponse<String> response = get("/?" + query);
            assertThat(response.statusCode()).as(query).isEqualTo(503);
            assertThat(JSON.readTree(response.body()).path("Code").asText()).as(query).isEqualTo("ServiceUnavailable");
        }
    }

    @Test
    void whileServingTheCallGoesThroughAndAfterwardsIsRefusedAgain() throws Exception {
        availability.serving(true);
        assertThat(get("/?Action=InvokeThingService").body()).isEqualTo("served");
        availability.serving(false);
        assertThat(get("/?Action=InvokeThingService").statusCode()).isEqualTo(503);
    }

    @Test
    void eachAnswerHasItsOwnRequestId() {
        String first = new String(HttpAvailability.unavailable(null).body());
        String second = new String(HttpAvailability.unavailable(null).body());
        assertThat(first).isNotEqualTo(second);
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
