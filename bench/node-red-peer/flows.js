// Prints the Node-RED peer's flow (flows.json) for bench/run: `node flows.js MQTT_PORT > flows.json`.
// The same round trip as the gateway's sync call: http in (GET /) -> function (an id, the Alink request, the HTTP
// message kept by id) -> mqtt out (QoS 1, /sys/{pk}/{dn}/rrpc/request/{id}) ... device ... mqtt in
// (/sys/+/+/rrpc/response/+) -> the same function (the kept HTTP message found by the id in the topic) -> http response.
const mqttPort = process.argv[2];

// one function node for both directions: it sees the HTTP request (msg.req) and the device's reply (an MQTT message)
function correlate() {
    let pending = context.get("pending");
    if (!pending) {
        pending = new Map();
        context.set("pending", pending);
        context.set("seq", 0);
    }
    if (msg.req) {
        const q = msg.req.query;
        const id = String(context.get("seq") + 1);
        context.set("seq", Number(id));
        let params;
        try {
            params = JSON.parse(q.Args || "{}");
        } catch (e) {
            msg.statusCode = 400;
            msg.payload = { Success: false, Code: "iot.common.InvalidFormattedParameter" };
            return [null, msg];
        }
        pending.set(id, msg);
        const request = { id: id, version: "1.0", params: params, method: "thing.service." + q.Identifier };
        return [{ topic: "/sys/" + q.ProductKey + "/" + q.DeviceName + "/rrpc/request/" + id, payload: JSON.stringify(request) }, null];
    }
    const id = msg.topic.substring(msg.topic.lastIndexOf("/") + 1);
    const waiting = pending.get(id);
    if (!waiting) {
        return null;
    }
    pending.delete(id);
    waiting.payload = { RequestId: id, Success: true, Data: { Result: msg.payload, MessageId: id } };
    return [null, waiting];
}

const body = correlate.toString();
const flow = [
    { id: "bench-tab", type: "tab", label: "bench peer" },
    { id: "bench-broker", type: "mqtt-broker", name: "bench mosquitto", broker: "127.0.0.1", port: mqttPort, clientid: "",
      autoConnect: true, usetls: false, protocolVersion: "5", keepalive: "60", cleansession: true, autoUnsubscribe: true },
    { id: "bench-http-in", type: "http in", z: "bench-tab", url: "/", method: "get", upload: false, wires: [["bench-correlate"]] },
    { id: "bench-correlate", type: "function", z: "bench-tab", name: "correlate by id", outputs: 2, timeout: 0, noerr: 0,
      func: body.substring(body.indexOf("{") + 1, body.lastIndexOf("}")), initialize: "", finalize: "", libs: [],
      wires: [["bench-mqtt-out"], ["bench-http-response"]] },
    { id: "bench-mqtt-out", type: "mqtt out", z: "bench-tab", topic: "", qos: "1", retain: "false", broker: "bench-broker", wires: [] },
    { id: "bench-mqtt-in", type: "mqtt in", z: "bench-tab", topic: "/sys/+/+/rrpc/response/+", qos: "1", datatype: "utf8",
      broker: "bench-broker", nl: false, rap: true, rh: 0, inputs: 0, wires: [["bench-correlate"]] },
    { id: "bench-http-response", type: "http response", z: "bench-tab", statusCode: "", headers: {}, wires: [] }
];
process.stdout.write(JSON.stringify(flow, null, 2) + "\n");
