package org.thingservice.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import java.io.IOException;
import java.util.Map;
import javax.xml.namespace.QName;

/**
 * The answer of a device-management action in Alibaba's shape: {RequestId, Success, Code, ErrorMessage, Data},
 * absent fields omitted; in XML under the root element &lt;{Action}Response&gt;, which one record type cannot
 * declare statically, hence the hand-written serialisation. A few actions name their result other than Data
 * (BatchGetDeviceState: DeviceStatusList): dataName. A few answer fields beside it (QueryDevice: Page, PageSize,
 * PageCount, Total): fields, written after it, or null.
 */
public record ActionResponse(String action, String requestId, boolean success, String code, String errorMessage,
        String dataName, Map<String, Object> data, Map<String, Object> fields) implements JsonSerializable {

    public ActionResponse(String action, String requestId, boolean success, String code, String errorMessage, Map<String, Object> data) {
        this(action, requestId, success, code, errorMessage, "Data", data, null);
    }

    public static ActionResponse success(String action, String requestId, Map<String, Object> data) {
        return new ActionResponse(action, requestId, true, null, null, data);
    }

    /** Success with the result under another name than Data. */
    public static ActionResponse successAs(String action, String requestId, String dataName, Map<String, Object> data) {
        return new ActionResponse(action, requestId, true, null, null, dataName, data, null);
    }

    /** Success with these fields beside Data, at the answer's top level. */
    public static ActionResponse successWith(String action, String requestId, Map<String, Object> data, Map<String, Object> fields) {
        return new ActionResponse(action, requestId, true, null, null, "Data", data, fields);
    }

    public static ActionResponse failure(String action, String requestId, String code, String message) {
        return new ActionResponse(action, requestId, false, code, message, null);
    }

    @Override
    public void serialize(JsonGenerator gen, SerializerProvider provider) throws IOException {
        if (gen instanceof ToXmlGenerator xml && xml.inRoot()) {
            xml.setNextName(new QName(action + "Response"));
        }
        gen.writeStartObject();
        gen.writeStringField("RequestId", requestId);
        gen.writeBooleanField("Success", success);
        if (code != null) {
            gen.writeStringField("Code", code);
            gen.writeStringField("ErrorMessage", errorMessage);
        }
        if (data != null) {
            gen.writeFieldName(dataName);
            provider.defaultSerializeValue(data, gen);
        }
        if (fields != null) {
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                gen.writeFieldName(field.getKey());
                provider.defaultSerializeValue(field.getValue(), gen);
            }
        }
        gen.writeEndObject();
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializerProvider provider, TypeSerializer typeSer) throws IOException {
        serialize(gen, provider);
    }
}
