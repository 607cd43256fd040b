// A device on the official Alibaba Node.js device SDK, unmodified (alibabacloud-iot-device-sdk from npm), as an
// application would write it. Arguments: the SDK's folder, ProductKey, DeviceName, DeviceSecret, broker URL.
// It prints one line per event for the test to read: "connected", "error <message>", "service <identifier> <id>".
const [sdkPath, productKey, deviceName, deviceSecret, brokerUrl] = process.argv.slice(2);
const iot = require(sdkPath);

const device = iot.device({ productKey, deviceName, deviceSecret, brokerUrl });
device.on('connect', () => console.log('connected'));
// the SDK hands its events' arguments on as one array: the MQTT client's Error is the first
device.on('error', (args) => console.log('error ' + (args && args[0] && args[0].message)));

// an async service: on /sys/{pk}/{dn}/thing/service/SetColor, replied on .../SetColor_reply. First: SDK 1.2.8
// subscribes the service topic of the first onService only (its later calls reuse that subscription function).
device.onService('SetColor', (request, reply) => {
  console.log('service SetColor ' + request.id);
  reply({ id: request.id, code: 200, data: { shown: request.params.label } });
});

// a sync service: the SDK takes it on /sys/{pk}/{dn}/rrpc/request/+ (subscribed on connect) and replies on
// rrpc/response/{id}
device.onService('Blink', (request, reply) => {
  console.log('service Blink ' + request.id);
  reply({ id: request.id, code: 200, data: { param1: request.params.param1 } }, 'sync');
});
