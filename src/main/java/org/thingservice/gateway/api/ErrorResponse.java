package org.thingservice.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;

/** A gateway-level error (HTTP 4xx/5xx) in the generic Alibaba POP shape. */
@JsonPropertyOrder({"RequestId", "Code", "Message"})
@JacksonXmlRootElement(localName = "Error")
public record ErrorResponse(
        @JsonProperty("RequestId") String requestId,
        @JsonProperty("Code") String code,
        @JsonProperty("Message") String message) {

    /** The answer to a gateway-level error (not a business one: that is answered with Success:false). */
    public static ErrorResponse of(String requestId, ApiException error) {
        return new ErrorResponse(requestId, error.code(), error.getMessage());
    }
}
