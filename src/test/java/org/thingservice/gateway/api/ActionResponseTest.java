package org.thingservice.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionResponseTest {

    @Test
    void xmlIsUnderTheActionsResponseElementAndJsonHasAlibabasFields() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("IotId", "i1");
        data.put("DeviceName", "d1");
        ActionResponse ok = ActionResponse.success("RegisterDevice", "R1", data);
        ActionResponse failed = ActionResponse.failure("DeleteDevice", "R2", "iot.device.NotExistedDevice", "no <device>");

        assertThat(new XmlMapper().writeValueAsString(ok))
                .isEqualTo("<RegisterDeviceResponse><RequestId>R1</RequestId><Success>true</Success>"
                        + "<Data><IotId>i1</IotId><DeviceName>d1</DeviceName></Data></RegisterDeviceResponse>");
        assertThat(new XmlMapper().writeValueAsString(failed))
                .isEqualTo("<DeleteDeviceResponse><RequestId>R2</RequestId><Success>false</Success>"
                        + "<Code>iot.device.NotExistedDevice</Code><ErrorMessage>no &lt;device></ErrorMessage></DeleteDeviceResponse>");
        assertThat(new ObjectMapper().writeValueAsString(failed))
                .isEqualTo("{\"RequestId\":\"R2\",\"Success\":false,\"Code\":\"iot.device.NotExistedDevice\",\"ErrorMessage\":\"no <device>\"}");
    }
}
