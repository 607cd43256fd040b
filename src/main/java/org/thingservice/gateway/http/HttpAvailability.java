package org.thingservice.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorResponse;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.invoke.RequestIds;

/**
 * Whether the HTTP API serves calls at /, and the answer a call gets while it does not: {@code ServiceUnavailable}
 * (503) in the API's shape, JSON or, with Format=XML in the query string, XML.
 * <p>
 * The server listens before the routes start (Camel 4.17 starts its services first: some 3 s before the HTTP route on
 * a busy machine) and goes on listening after the HTTP route has stopped at a graceful stop: without this gate a call
 * then got Vert.x's HTML page "Resource not found" (404). The gate is a handler for / on the server's own router,
 * ahead of the router the routes add themselves to; it lets a call through while the HTTP route's consumer is started
 * and not suspended (NonBlockingHttpEngine says so), and answers it itself otherwise.
 */
public final class HttpAvailability implements Handler<RoutingContext> {

    /** the path the HTTP API serves, and so the path the gate covers */
    public static final String PATH = "/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XmlMapper XML = new XmlMapper();

    private volatile boolean serving;

    /** The HTTP route's consumer started or resumed (true), or is suspended or stopped (false). */
    public void serving(boolean serving) {
        this.serving = serving;
    }

    public boolean isServing() {
        return serving;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (serving) {
            ctx.next();
        } else {
            answerUnavailable(ctx.request());
        }
    }

    /** Answers the request with ServiceUnavailable, in the Format its query string asks for. */
    public void answerUnavailable(HttpServerRequest request) {
        Answer answer = unavailable(formatParameter(request));
        request.response().setStatusCode(answer.status()).putHeader(HttpHeaders.CONTENT_TYPE, answer.contentType())
                .end(Buffer.buffer(answer.body()));
    }

    /**
     * Puts the gate in front of everything the server serves at /, from the moment it listens. Camel 4.17 gives no
     * other way in to the server's own router before it listens (the router it offers, through the registry, is a
     * sub-router that exists only once the server listens): an authentication entry's handler is installed on the
     * server's router at its start, so the gate is one, for the path / only, and lets every call through once the
     * route serves.
     */
    public void guard(VertxPlatformHttpServerConfiguration configuration) {
        ServerHandlers.add(configuration, PATH, this);
    }

    /** The answer, as the routes would marshal it (routes/invoke.camel.yaml, marshal-response). */
    static Answer unavailable(String format) {
        ResponseFormat responseFormat;
        try {
            responseFormat = ResponseFormat.parse(format);
        } catch (ApiException e) {
            responseFormat = ResponseFormat.JSON; // the call is refused anyway: no second error for its Format
        }
        ApiException error = ApiException.serviceUnavailable("the gateway is starting or stopping. Retry in a few seconds.");
        ErrorResponse response = ErrorResponse.of(RequestIds.next(), error);
        try {
            byte[] body = responseFormat == ResponseFormat.XML ? XML.writeValueAsBytes(response) : JSON.writeValueAsBytes(response);
            return new Answer(error.httpStatus(), responseFormat.contentType(), body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + response, e); // three strings: cannot happen
        }
    }

    /** The Format in the query string; a query Vert.x cannot decode has none. */
    private static String formatParameter(HttpServerRequest request) {
        try {
            return request.getParam("Format");
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** An HTTP answer: status, Content-Type and body. */
    record Answer(int status, String contentType, byte[] body) {
    }
}
