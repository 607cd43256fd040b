package org.thingservice.gateway.api;

/** The Alibaba IoT Platform error codes this gateway answers with (see reference §2). */
public final class ErrorCodes {
    public static final String SYSTEM = "iot.system.SystemException";
    public static final String INVALID_FORMATTED_PARAMETER = "iot.common.InvalidFormattedParameter";
    public static final String NOT_EXISTED_PRODUCT = "iot.prod.NotExistedProduct";
    public static final String INVALID_PRODUCT_KEY = "iot.prod.InvalidFormattedProductkey";
    public static final String NOT_EXISTED_DEVICE = "iot.device.NotExistedDevice";
    public static final String INVALID_IOT_ID = "iot.device.InvalidIoTId";
    public static final String INVALID_DEVICE_NAME = "iot.device.InvalidFormattedDeviceName";
    public static final String ALREADY_EXISTED_DEVICE_NAME = "iot.device.AlreadyExistedDeviceName";
    public static final String DEVICE_DISABLED = "iot.device.DeviceHasBeenDisabled";
    public static final String INVOKE_FAILED = "iot.device.InvokeThingServiceFailed";
    public static final String TIMEOUT = "iot.messagebroker.TIMEOUT";
    public static final String OFFLINE = "iot.messagebroker.OFFLINE";
    public static final String INVALID_TIMEOUT = "iot.messagebroker.InvalidTimeoutValue";
    public static final String API_NOT_SUPPORTED = "iot.common.APINotSupportedInInstance";
    public static final String PUBLISH_FAILED = "iot.messagebroker.PublishMessageFailed";

    private ErrorCodes() {
    }
}
