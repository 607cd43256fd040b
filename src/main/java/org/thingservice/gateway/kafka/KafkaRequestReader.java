package org.thingservice.gateway.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.thingservice.gateway.api.ApiException;
import org.thingservice.gateway.api.ErrorCodes;
import org.thingservice.gateway.api.ResponseFormat;
import org.thingservice.gateway.invoke.Exchanges;
import org.thingservice.gateway.invoke.Invocation;
import org.thingservice.gateway.invoke.JsonRequests;
import org.thingservice.gateway.invoke.RequestIds;

/**
 * The Kafka source: turns one request record (a JSON object with the InvokeThingService parameters) into an
 * Invocation. Kafka callers get the device's answer for async services too, so the call always waits.
 */
public final class KafkaRequestReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The exchange's body is the request record, as KafkaRequestsConsumer polled it. */
    public Invocation read(Exchange exchange) {
        ConsumerRecord<?, ?> record = exchange.getMessage().getBody(ConsumerRecord.class);
        String topic = record.topic();
        int partition = record.partition();
        long offset = record.offset();
        Object key = record.key();
        byte[] value = (byte[]) record.value();
        String source = topic + "/" + partition + "/" + offset;
        exchange.setProperty(Exchanges.REQUEST_SOURCE, source);
        exchange.setProperty(Exchanges.RECORD_VALUE, value);
        exchange.getMessage().setHeader(Exchanges.SOURCE_TOPIC_HEADER, topic);
        exchange.getMessage().setHeader(Exchanges.SOURCE_PARTITION_HEADER, partition);
        exchange.getMessage().setHeader(Exchanges.SOURCE_OFFSET_HEADER, offset);

        exchange.setProperty(Exchanges.REQUEST_ID, RequestIds.next());
        Exchanges.format(exchange, ResponseFormat.JSON);
        exchange.setProperty(Exchanges.RESULT_KEY, key != null ? key.toString() : null);
        String text = utf8(value);
        JsonNode request;
        try {
            request = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER,
                    "The record is not JSON (" + e.getOriginalMessage() + "); send a JSON object with IotId or ProductKey+DeviceName, Identifier and Args.");
        }
        if (request == null || !request.isObject()) {
            throw ApiException.business(ErrorCodes.INVALID_FORMATTED_PARAMETER,
                    "The record must be a JSON object with IotId or ProductKey+DeviceName, Identifier and Args.");
        }
        String requestId = JsonRequests.text(request, "RequestId");
        if (requestId != null) {
            exchange.setProperty(Exchanges.REQUEST_ID, requestId);
        }
        Exchanges.format(exchange, ResponseFormat.parse(JsonRequests.text(request, "Format")));
        exchange.setProperty(Exchanges.RESULT_KEY, key != null ? key.toString() : exchange.getProperty(Exchanges.REQUEST_ID));
        exchange.setProperty(Exchanges.REQUEST_KEY, requestId != null ? "RequestId:" + requestId : source);
        Invocation invocation = new Invocation(JsonRequests.toInvokeRequest(request, exchange.getProperty(Exchanges.REQUEST_ID, String.class)),
                Exchanges.format(exchange));
        exchange.setProperty(Exchanges.INVOCATION, invocation);
        return invocation;
    }

    private static String utf8(byte[] value) {
        if (value == null || value.length == 0) {
            throw new UnreadableRecordException("the record has no value");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new UnreadableRecordException("the record's value is not UTF-8 text");
        }
    }
}
