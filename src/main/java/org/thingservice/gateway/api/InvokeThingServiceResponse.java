package org.thingservice.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/** The InvokeThingService answer, field for field as Alibaba returns it; absent fields are omitted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"RequestId", "Success", "Code", "ErrorMessage", "Data"})
@JacksonXmlRootElement(localName = "InvokeThingServiceResponse")
public record InvokeThingServiceResponse(
        @JsonProperty("RequestId") String requestId,
        @JsonProperty("Success") boolean success,
        @JsonProperty("Code") String code,
        @JsonProperty("ErrorMessage") String errorMessage,
        @JsonProperty("Data") Data data) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"Result", "MessageId"})
    public record Data(@JsonProperty("Result") String result, @JsonProperty("MessageId") String messageId) {
    }

    public static InvokeThingServiceResponse success(String requestId, String result, String messageId) {
        return new InvokeThingServiceResponse(requestId, true, null, null, new Data(result, messageId));
    }

    public static InvokeThingServiceResponse failure(String requestId, String code, String message) {
        return new InvokeThingServiceResponse(requestId, false, code, message, null);
    }
}
