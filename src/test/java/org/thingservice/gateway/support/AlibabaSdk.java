package org.thingservice.gateway.support;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import java.util.Map;

/** Requests as the official Alibaba Java SDK (aliyun-java-sdk-core) builds them, for the gateway under test. */
public final class AlibabaSdk {

    private AlibabaSdk() {
    }

    /** The SDK's request for InvokeThingService on the gateway at this port, the parameters in the query or a form body. */
    public static CommonRequest invokeThingService(int port, MethodType method, boolean formBody, Map<String, String> params) {
        return request(port, "InvokeThingService", method, formBody, params);
    }

    /** The SDK's request for any Action of the 2018-01-20 API (QueryDeviceServiceData, InvokeThingsService …), a GET. */
    public static CommonRequest action(int port, String action, Map<String, String> params) {
        return request(port, action, MethodType.GET, false, params);
    }

    private static CommonRequest request(int port, String action, MethodType method, boolean formBody, Map<String, String> params) {
        CommonRequest request = new CommonRequest();
        request.setSysDomain("127.0.0.1:" + port);
        request.setSysProtocol(ProtocolType.HTTP);
        request.setSysVersion("2018-01-20");
        request.setSysAction(action);
        request.setSysMethod(method);
        if (formBody) {
            request.setHttpContentType(FormatType.FORM); // without it the SDK refuses body parameters
            params.forEach(request::putBodyParameter);
        } else {
            params.forEach(request::putQueryParameter);
        }
        return request;
    }
}
