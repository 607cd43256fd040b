package org.thingservice.gateway.http;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.MessageHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * platform-http on Vert.x, with calls that wait for their device without holding a thread.
 * <p>
 * Camel's own Vert.x consumer (4.17) runs the whole route synchronously on a Vert.x worker thread, so every call
 * parked in replyWaiter kept one of the 20 workers: calls to a device that answers in 2 s went through at 10 a second
 * (1,000 of them: 100 s), and every other call queued behind them. This consumer starts the route on a worker (its
 * first steps block: the registry database, the MQTT publish) as an asynchronous processor, so the worker is free
 * again once the call is parked, and writes the answer when the route completes. Unlike Camel's consumer it copies
 * neither request headers nor form fields into the message (HttpRequestReader reads them from the request) and has
 * no proxy mode. The consumer of / tells HttpAvailability when it serves calls and when it stops serving them, so that
 * the server answers ServiceUnavailable in the API's shape before and after.
 */
public final class NonBlockingHttpEngine extends VertxPlatformHttpEngine {

    private final HttpAvailability availability;

    /** availability: told when the consumer of / serves calls and when it stops serving them */
    public NonBlockingHttpEngine(HttpAvailability availability) {
        this.availability = availability;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new Consumer(endpoint, processor, getHandlers(), VertxPlatformHttpRouter.getRouterNameFromPort(getServerPort()),
                availability);
    }

    static final class Consumer extends VertxPlatformHttpConsumer {

        private static final Logger LOG = LoggerFactory.getLogger(NonBlockingHttpEngine.class);
        private final HttpAvailability availability;

        Consumer(PlatformHttpEndpoint endpoint, Processor processor, List<Handler<RoutingContext>> handlers,
                String routerName, HttpAvailability availability) {
            super(endpoint, processor, handlers, routerName);
            this.availability = availability;
        }

        /** Tells the availability gate whether calls are served, if this is the consumer of the API's path. */
        private void serving(boolean serving) {
            if (HttpAvailability.PATH.equals(getEndpoint().getPath())) {
                availability.serving(serving);
            }
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            serving(true);
        }

        @Override
        protected void doSuspend() throws Exception {
            serving(false); // a graceful stop suspends the consumer first
            super.doSuspend();
        }

        @Override
        protected void doResume() throws Exception {
            super.doResume();
            serving(true);
        }

        @Override
        protected void doStop() throws Exception {
            serving(false);
            super.doStop();
        }

        @Override
        protected void handleRequest(RoutingContext ctx) {
            if (isSuspended()) {
                // a call that passed the gate just before the consumer was suspended
                availability.answerUnavailable(ctx.request());
                return;
            }
            Context context = ctx.vertx().getOrCreateContext();
            Exchange exchange = createExchange(false);
            // InOnly, although the caller gets an answer: the answer is whatever message the route ends with (as for
            // the Kafka and file sources), and with InOut every bean step that returns a value would create an out
            // message that the pipeline then copies, headers and all, into the next step's in message
            exchange.setPattern(ExchangePattern.InOnly);
            processHttpRequest(exchange, ctx).onComplete(read -> {
                if (read.failed()) {
                    fail(ctx, exchange, read.cause());
                    return;
                }
                ctx.vertx().executeBlocking(() -> {
                    createUoW(exchange);
                    // the answer is written on the request's event loop, whichever thread completes the route
                    getAsyncProcessor().process(exchange, doneSync -> context.runOnContext(v -> respond(ctx, exchange)));
                    return null;
                }, false).onFailure(e -> fail(ctx, exchange, e));
            });
        }

        /**
         * Only the raw body: for a form too, since a V3 signature covers its exact bytes (x-acs-content-sha256), which
         * Vert.x keeps beside the decoded fields (not for multipart, whose parts it takes apart). Camel's consumer also
         * copies every request header and query parameter into the message headers, through its header filter, on
         * the event loop: the gateway reads the query string, the form and the headers from the request itself
         * (HttpRequestReader, CallerAuthentication), so that was work, and headers to copy at every step, for nothing.
         */
        @Override
        protected Future<Void> populateCamelMessage(RoutingContext ctx, Exchange exchange, Message message) {
            String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            boolean multipart = type != null && startsWithIgnoreCase(type, "multipart/form-data");
            if (!multipart && ctx.body() != null && ctx.body().buffer() != null) {
                message.setBody(ctx.body().buffer());
            }
            return Future.succeededFuture();
        }

        private static boolean startsWithIgnoreCase(String value, String prefix) {
            return value.regionMatches(true, 0, prefix, 0, prefix.length());
        }

        private void respond(RoutingContext ctx, Exchange exchange) {
            try {
                if (!ctx.response().ended()) { // a request timeout may have answered already
                    write(ctx.response(), exchange);
                }
            } catch (Exception e) {
                getExceptionHandler().handleException("Could not write the HTTP answer", exchange, e);
                if (!ctx.response().ended()) {
                    ctx.fail(e);
                }
            } finally {
                doneUoW(exchange);
                releaseExchange(exchange, false);
            }
        }

        /** The route's status code, headers (through the endpoint's filter, as Camel's consumer does) and body. */
        private void write(HttpServerResponse response, Exchange exchange) throws Exception {
            if (exchange.getException() != null) {
                // the routes answer every failure themselves (route configuration http-errors): this is a bug; no stack trace out
                LOG.error("Unanswered failure on {}", getEndpoint().getPath(), exchange.getException());
                response.setStatusCode(500).end();
                return;
            }
            Message message = exchange.getMessage();
            response.setStatusCode(message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class));
            HeaderFilterStrategy filter = getEndpoint().getHeaderFilterStrategy();
            for (Map.Entry<String, Object> header : message.getHeaders().entrySet()) {
                if (header.getValue() != null && (filter == null || !filter.applyFilterToCamelHeaders(header.getKey(), header.getValue(), exchange))) {
                    response.putHeader(header.getKey(), header.getValue().toString());
                }
            }
            String contentType = MessageHelper.getContentType(message); // the filter drops Content-Type: set it like Camel does
            if (contentType != null) {
                response.putHeader("Content-Type", contentType);
            }
            response.end(buffer(exchange, message.getBody()))
                    .onFailure(e -> LOG.debug("The caller left before its answer: {}", e.getMessage()));
        }

        /** The body as one Vert.x buffer: a marshalled answer is a byte[] (routes/http.camel.yaml: no stream caching). */
        private static Buffer buffer(Exchange exchange, Object body) throws Exception {
            byte[] bytes;
            if (body == null) {
                bytes = new byte[0];
            } else if (body instanceof byte[] array) {
                bytes = array;
            } else {
                bytes = exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
            }
            return Buffer.buffer(Unpooled.wrappedBuffer(bytes)); // wrapped, not copied again
        }

        private void fail(RoutingContext ctx, Exchange exchange, Throwable cause) {
            getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(), exchange, cause);
            ctx.fail(cause);
            doneUoW(exchange);
            releaseExchange(exchange, false);
        }
    }
}
