package org.thingservice.gateway.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.api.ErrorResponse;
import org.thingservice.gateway.api.InvokeThingServiceResponse;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.JsonRequests;
import org.thingservice.gateway.invoke.RequestIds;

/**
 * The batch-file source: reads a dropped .jsonl or .csv file into request lines, turns each line into an
 * Invocation, collects each line's answer, and writes the result file in input order.
 */
public final class BatchFiles {

    private static final Logger LOG = LoggerFactory.getLogger(BatchFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XmlMapper XML = new XmlMapper();
    /** how often a file waiting for the MQTT broker looks again */
    private static final long BROKER_CHECK_MILLIS = 100;
    private static final List<String> CSV_COLUMNS = List.of("IotId", "ProductKey", "DeviceName", "Identifier", "Args", "RequestId", "Timeout");

    private final ResponseFormat format;
    private final boolean allowRepeat;
    private final int inFlight;
    private final long progressNanos;
    private final Path errorFolder;
    private final BooleanSupplier brokerConnected;
    private AsyncProducer fileLine;
    private ExecutorService workers;

    /** brokerConnected: whether requests can reach the MQTT broker now (lines wait while they cannot) */
    public BatchFiles(ResponseFormat format, boolean allowRepeat, int inFlight, long progressMillis, Path errorFolder,
            BooleanSupplier brokerConnected) {
        this.brokerConnected = brokerConnected;
        this.format = format;
        this.allowRepeat = allowRepeat;
        this.inFlight = inFlight;
        this.progressNanos = progressMillis * 1_000_000;
        this.errorFolder = errorFolder;
    }

    /** Reads the dropped file into its request lines (the exchange's Batch). */
    public void open(Exchange exchange) {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        byte[] bytes = exchange.getMessage().getBody(byte[].class);
        String text = utf8(bytes);
        List<Batch.Line> lines = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? csv(text) : jsonl(text);
        String id = sha256(bytes);
        if (allowRepeat) {
            id += "@" + exchange.getMessage().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
        }
        exchange.setProperty(Exchanges.BATCH, new Batch(name, id, lines));
        LOG.info("File {}: {} request lines", name, lines.size());
    }

    /**
     * Sends the file's lines, in input order, to direct:file-line, each as soon as one of the gateway.files.max-in-flight
     * places is free: a slow line holds its own place and no other. Returns when every line sent is answered. Once
     * the gateway is stopping no other line starts (the lines in flight are answered), and write leaves the
     * unfinished file for the next start. The lines start on Camel's worker threads, so that their claims share
     * transactions (ProcessedRequests); none waits there for its device.
     */
    public void send(Exchange exchange) throws Exception {
        Batch batch = exchange.getProperty(Exchanges.BATCH, Batch.class);
        CamelContext context = exchange.getContext();
        AsyncProducer fileLine = fileLine(context);
        Semaphore places = new Semaphore(inFlight);
        for (Batch.Line line : batch.lines()) {
            places.acquire();
            awaitBroker(batch, exchange);
            if (stopping(exchange)) {
                places.release();
                break;
            }
            Exchange lineExchange = new DefaultExchange(context);
            lineExchange.setProperty(Exchanges.BATCH, batch);
            lineExchange.getMessage().setBody(line);
            workers.execute(() -> fileLine.process(lineExchange, doneSync -> places.release()));
        }
        places.acquire(inFlight); // every line sent is answered
    }

    /**
     * While the MQTT broker is away every line would fail at once (PublishMessageFailed, a request that never reached
     * its device): the next line waits for it instead, and a broker outage costs time, not answers.
     */
    private void awaitBroker(Batch batch, Exchange exchange) throws InterruptedException {
        if (brokerConnected.getAsBoolean()) {
            return;
        }
        LOG.info("File {}: the MQTT broker is away, the next lines wait for it", batch.fileName());
        while (!brokerConnected.getAsBoolean() && !stopping(exchange)) {
            Thread.sleep(BROKER_CHECK_MILLIS);
        }
    }

    private synchronized AsyncProducer fileLine(CamelContext context) throws Exception {
        if (fileLine == null) {
            workers = context.getExecutorServiceManager().newDefaultThreadPool(this, "FileLines");
            fileLine = context.getEndpoint("direct:file-line").createAsyncProducer();
            ServiceHelper.startService(fileLine);
        }
        return fileLine;
    }

    /** True once the gateway is stopping: no other line starts, so a graceful stop is not cut off in the middle of a long file. */
    private static boolean stopping(Exchange exchange) {
        return exchange.getContext().isStopping();
    }

    /** One line of the file as a call of the shared pipeline; a line that could not be parsed is an error answer. */
    public Invocation line(Exchange exchange) {
        Batch batch = exchange.getProperty(Exchanges.BATCH, Batch.class);
        Batch.Line line = exchange.getMessage().getBody(Batch.Line.class);
        exchange.setProperty(Exchanges.BATCH_LINE, line);
        String requestId = line.request() != null ? JsonRequests.text(line.request(), "RequestId") : null;
        exchange.setProperty(Exchanges.REQUEST_ID, requestId != null ? requestId : RequestIds.next());
        Exchanges.format(exchange, ResponseFormat.JSON);
        exchange.setProperty(Exchanges.REQUEST_KEY, "file:" + batch.id() + ":" + line.number());
        exchange.setProperty(Exchanges.REQUEST_SOURCE, "file:" + batch.id() + ":" + line.number());
        if (line.problem() != null) {
            throw ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER, "Line " + line.number() + ": " + line.problem());
        }
        Invocation invocation = new Invocation(JsonRequests.toInvokeRequest(line.request(),
                exchange.getProperty(Exchanges.REQUEST_ID, String.class)), ResponseFormat.JSON);
        exchange.setProperty(Exchanges.INVOCATION, invocation);
        return invocation;
    }

    /** The line's answer (a response, or the one stored for it before) goes into the batch. */
    public void record(Exchange exchange) throws JsonProcessingException {
        Batch batch = exchange.getProperty(Exchanges.BATCH, Batch.class);
        Batch.Line line = exchange.getProperty(Exchanges.BATCH_LINE, Batch.Line.class);
        Object body = exchange.getMessage().getBody();
        JsonNode response = body instanceof String stored ? JSON.readTree(stored) : JSON.valueToTree(body);
        exchange.setProperty(Exchanges.REQUEST_RESULT, JSON.writeValueAsString(response));
        String outcome = response.path("Success").asBoolean(false) ? "Success" : response.path("Code").asText("?");
        int done = batch.record(line.index(), response, outcome, Boolean.TRUE.equals(exchange.getProperty(Exchanges.ALREADY_DONE)));
        if (batch.progressDue(progressNanos)) {
            LOG.info("File {}: {}/{} lines done, {} lines/s", batch.fileName(), done, batch.lines().size(),
                    Math.round(done / batch.seconds()));
        }
    }

    /** The result file: one result per input line, in input order, each with its line number and RequestId. */
    public String write(Exchange exchange) throws JsonProcessingException {
        Batch batch = exchange.getProperty(Exchanges.BATCH, Batch.class);
        if (batch.answered() < batch.lines().size() && stopping(exchange)) {
            throw new FileResumesAtNextStartException("File " + batch.fileName() + ": the gateway is stopping with " + batch.answered()
                    + " of " + batch.lines().size() + " lines answered; the file stays in the inbox and the next start answers the "
                    + "rest (the answered lines keep their answers and are not sent again)");
        }
        StringBuilder out = new StringBuilder(format == ResponseFormat.XML ? "<Results file=\"" + xmlAttribute(batch.fileName()) + "\">\n" : "");
        int written = 0;
        for (Batch.Line line : batch.lines()) {
            JsonNode response = batch.result(line.index());
            if (response == null) {
                continue;
            }
            written++;
            String requestId = response.path("RequestId").asText();
            if (format == ResponseFormat.XML) {
                Object typed = response.has("Success") ? JSON.treeToValue(response, InvokeThingServiceResponse.class)
                        : JSON.treeToValue(response, ErrorResponse.class);
                out.append("<Result line=\"").append(line.number()).append("\" RequestId=\"").append(xmlAttribute(requestId)).append("\">")
                        .append(XML.writeValueAsString(typed)).append("</Result>\n");
            } else {
                ObjectNode result = JSON.createObjectNode().put("line", line.number()).put("RequestId", requestId);
                result.set("Response", response);
                out.append(JSON.writeValueAsString(result)).append('\n');
            }
        }
        if (format == ResponseFormat.XML) {
            out.append("</Results>\n");
        }
        Map<String, Integer> outcomes = batch.outcomes();
        int counted = outcomes.values().stream().mapToInt(Integer::intValue).sum();
        LOG.info("File {}: {} lines in, {} results out, by outcome {} ({} s)", batch.fileName(), batch.lines().size(), written,
                outcomes, String.format(Locale.ROOT, "%.1f", batch.seconds()));
        if (batch.replayed() > 0) {
            LOG.info("File {}: {} lines were answered before (same content, or the same drop before a restart); their stored results "
                    + "were used and their devices not invoked again{}", batch.fileName(), batch.replayed(),
                    allowRepeat ? "" : " (set gateway.files.allow-repeat=true to invoke them again when the same content is dropped again)");
        }
        if (written != batch.lines().size() || counted != written) {
            throw new IllegalStateException("File " + batch.fileName() + ": " + batch.lines().size() + " lines in but "
                    + written + " results out; the file is left for another attempt");
        }
        return out.toString();
    }

    /**
     * A file that cannot be processed moves to the error folder. The route moves it, not the file consumer (moveFailed),
     * because a file left for the next start also ends its exchange failed, and must stay where it is.
     */
    public void moveToError(Exchange exchange) throws IOException {
        Path file = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        Files.createDirectories(errorFolder);
        Files.move(file, errorFolder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    /** batch-7.jsonl becomes batch-7.results.jsonl (or .results.xml). */
    public String resultName(Exchange exchange) {
        String name = exchange.getProperty(Exchanges.BATCH, Batch.class).fileName();
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name) + ".results." + (format == ResponseFormat.XML ? "xml" : "jsonl");
    }

    private static List<Batch.Line> jsonl(String text) {
        List<Batch.Line> lines = new ArrayList<>();
        String[] physical = text.split("\r?\n", -1);
        for (int i = 0; i < physical.length; i++) {
            if (physical[i].isBlank()) {
                continue;
            }
            try {
                JsonNode request = JSON.readTree(physical[i]);
                lines.add(request != null && request.isObject() ? new Batch.Line(lines.size(), i + 1, request, null)
                        : new Batch.Line(lines.size(), i + 1, null, "not a JSON object"));
            } catch (JsonProcessingException e) {
                lines.add(new Batch.Line(lines.size(), i + 1, null, "not JSON (" + e.getOriginalMessage() + ")"));
            }
        }
        return lines;
    }

    private static List<Batch.Line> csv(String text) {
        String[] physical = text.split("\r?\n", -1);
        List<String> header;
        try {
            header = CsvLines.cells(physical[0].replace("\uFEFF", "").trim());
        } catch (IllegalArgumentException e) {
            throw new UnreadableFileException("the CSV header cannot be read: " + e.getMessage());
        }
        if (!CSV_COLUMNS.containsAll(header) || !header.contains("Identifier")) {
            throw new UnreadableFileException("the CSV header must name some of the columns " + CSV_COLUMNS
                    + " (Identifier at least), found " + header);
        }
        List<Batch.Line> lines = new ArrayList<>();
        for (int i = 1; i < physical.length; i++) {
            if (physical[i].isBlank()) {
                continue;
            }
            try {
                List<String> cells = CsvLines.cells(physical[i]);
                if (cells.size() != header.size()) {
                    lines.add(new Batch.Line(lines.size(), i + 1, null, "expected " + header.size() + " cells, found " + cells.size()));
                    continue;
                }
                ObjectNode request = JSON.createObjectNode();
                for (int c = 0; c < header.size(); c++) {
                    request.put(header.get(c), cells.get(c));
                }
                lines.add(new Batch.Line(lines.size(), i + 1, request, null));
            } catch (IllegalArgumentException e) {
                lines.add(new Batch.Line(lines.size(), i + 1, null, e.getMessage()));
            }
        }
        return lines;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UnreadableFileException("the file is not UTF-8 text");
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String xmlAttribute(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
    }
}
