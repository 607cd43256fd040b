// The console: products, devices and services from the gateway's own API (QueryProductList, QueryDevice,
// GetThingModelTsl), a call (InvokeThingService) and the device's call history (QueryDeviceServiceData), each an
// ordinary API call to the gateway at "../", signed when an access key is given.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const { element } = ServiceForm;
  const KEYS_ITEM = "tsg-console-keys";
  const DEVICE_PAGE_SIZE = 50;
  const HISTORY_PAGE_SIZE = 20;
  const HISTORY_SPAN_MS = 24 * 3600 * 1000;
  // the gateway writes its call records in batches (gateway.history.max-delay, 200 ms by default): after a call the
  // history is read again, this long apart, until the call is in it, this many times at most
  const HISTORY_RETRY_MS = 300;
  const HISTORY_ATTEMPTS = 5;

  let keys = JSON.parse(sessionStorage.getItem(KEYS_ITEM) || "null");
  let services = [];
  let devicePage = 1;
  let historyCall = 0;

  // one API call: {ok, data (the parsed answer), error ("Code: message")}; never throws
  async function api(action, params) {
    let all = Object.assign({ Action: action, Format: "JSON", Version: "2018-01-20" }, params);
    if (keys) all = Signing.signV2("POST", all, keys.id, keys.secret);
    const body = Object.keys(all).map((name) => Signing.percentEncode(name) + "=" + Signing.percentEncode(String(all[name]))).join("&");
    let text;
    try {
      const response = await fetch("../", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
      text = await response.text();
    } catch (e) {
      return { ok: false, data: null, text: "", error: "The gateway did not answer: " + e.message };
    }
    let data = null;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return { ok: false, data: null, text, error: "Not an API answer: " + text.slice(0, 200) };
    }
    const ok = data.Success === true;
    return { ok, data, text, error: ok ? null : (data.Code || "Error") + ": " + (data.ErrorMessage || data.Message || "") };
  }

  const option = (value, text) => element("option", { value, textContent: text });
  const selected = (id) => $(id).value;

  function status(message) {
    $("status").textContent = message || "";
  }

  async function loadProducts() {
    status("");
    const answer = await api("QueryProductList", { CurrentPage: 1, PageSize: 200 });
    if (!answer.ok) return status("Products: " + answer.error);
    const products = answer.data.Data.List.ProductInfo;
    $("product").replaceChildren(...products.map((p) => option(p.ProductKey, p.ProductKey + " (" + p.DeviceCount + " devices)")));
    if (!products.length) return status("No products yet: import a thing model first (ImportThingModelTsl, docs/api.md).");
    devicePage = 1;
    await Promise.all([loadDevices(), loadModel()]);
  }

  async function loadDevices() {
    const answer = await api("QueryDevice", { ProductKey: selected("product"), CurrentPage: devicePage, PageSize: DEVICE_PAGE_SIZE });
    if (!answer.ok) return status("Devices: " + answer.error);
    const devices = answer.data.Data.DeviceInfo;
    $("device").replaceChildren(...devices.map((d) => option(d.DeviceName, d.DeviceName + " (" + d.DeviceStatus + ")")));
    $("device-pages").hidden = answer.data.PageCount <= 1;
    $("devices-page").textContent = " page " + answer.data.Page + " of " + answer.data.PageCount + " ";
    $("devices-prev").disabled = devicePage <= 1;
    $("devices-next").disabled = devicePage >= answer.data.PageCount;
    showAnswer("none", "", "", "");
    loadHistory(Date.now());
  }

  async function loadModel() {
    const answer = await api("GetThingModelTsl", { ProductKey: selected("product") });
    if (!answer.ok) return status("Thing model: " + answer.error);
    services = JSON.parse(answer.data.Data.TslStr).services || [];
    $("service").replaceChildren(...services.map((s) => option(s.identifier, s.identifier + (s.name ? " – " + s.name : "") + " (" + (s.callType || "async") + ")")));
    showService();
  }

  const service = () => services.find((s) => s.identifier === selected("service"));

  function showService() {
    const chosen = service();
    $("service-name").textContent = chosen ? chosen.identifier : "";
    const callType = chosen ? (chosen.callType || "async") : "";
    $("call-type").textContent = callType && (callType === "sync" ? "sync: the answer is the device's reply" : "async: answered at once, the reply comes later");
    $("call-type").className = "badge " + callType;
    $("service-desc").textContent = chosen ? (chosen.desc || "") : "";
    ServiceForm.render($("args"), chosen ? chosen.inputData || [] : []);
    showAnswer("none", "", "", "");
    loadHistory(Date.now());
  }

  function showAnswer(state, summary, result, raw, code) {
    $("answer").dataset.state = state;
    $("answer").dataset.code = code || "";
    $("answer-summary").textContent = summary;
    $("answer-result").textContent = result;
    $("answer-raw").textContent = raw;
  }

  const pretty = (text) => {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (e) {
      return text;
    }
  };

  async function invoke(event) {
    event.preventDefault();
    const chosen = service();
    if (!chosen) return;
    const { args, problems } = ServiceForm.read(chosen.inputData || [], $("check-here").checked);
    if (problems.length) {
      return showAnswer("refused", "Refused here, nothing was sent: " + problems.join("; "), "", "", "console");
    }
    const params = { ProductKey: selected("product"), DeviceName: selected("device"), Identifier: chosen.identifier, Args: JSON.stringify(args) };
    if ($("timeout").value !== "") params.Timeout = $("timeout").value;
    showAnswer("waiting", "Calling " + chosen.identifier + " on " + params.DeviceName + " with " + params.Args + " …", "", "");
    $("invoke").disabled = true;
    const started = performance.now();
    const answer = await api("InvokeThingService", params);
    $("invoke").disabled = false;
    const took = " (" + Math.round(performance.now() - started) + " ms)";
    if (answer.ok) {
      const data = answer.data.Data || {};
      const summary = data.Result !== undefined
        ? "Success: the device answered" + took
        : "Accepted: MessageId " + data.MessageId + "; the device's reply goes to the async reply topic and the call history" + took;
      showAnswer("success", summary, data.Result !== undefined ? pretty(data.Result) : "", pretty(answer.text));
    } else {
      showAnswer("failure", answer.error + took, "", answer.text ? pretty(answer.text) : "", answer.data ? answer.data.Code : "");
    }
    showNewCall(answer.ok ? (answer.data.Data || {}).MessageId : undefined);
  }

  // the history once the call just made is in it, found by its MessageId (a failed call has none to look for: the
  // history is then read once, after the writer's delay)
  async function showNewCall(messageId) {
    for (let attempt = 1; attempt <= HISTORY_ATTEMPTS; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, HISTORY_RETRY_MS));
      const rows = await loadHistory(Date.now());
      if (!rows || !messageId || rows.some((record) => record.MessageId === messageId)) return;
    }
  }

  function clearHistory() {
    $("history").tBodies[0].replaceChildren();
    $("history-status").textContent = "";
    $("history-more").hidden = true;
  }

  // the calls up to endTime (ms), newest first; more=true appends an older page. Returns the records shown, or
  // undefined when there was nothing to ask or a newer reading took over
  async function loadHistory(endTime, more) {
    const chosen = service();
    if (!more) clearHistory();
    // only the latest call's answer is shown: the device, the service or a new call may have changed meanwhile
    const call = ++historyCall;
    if (!chosen || !selected("device")) return;
    const answer = await api("QueryDeviceServiceData", {
      ProductKey: selected("product"), DeviceName: selected("device"), Identifier: chosen.identifier,
      StartTime: endTime - HISTORY_SPAN_MS, EndTime: endTime, Asc: 0, PageSize: HISTORY_PAGE_SIZE,
    });
    if (call !== historyCall) return;
    if (!answer.ok) {
      $("history-status").textContent = "Call history: " + answer.error;
      return;
    }
    const data = answer.data.Data || {};
    const rows = (data.List && data.List.ServiceInfo) || [];
    rows.forEach((record) => {
      const late = record.Late === true || record.Late === "true";
      const row = element("tr", { className: late ? "late" : "" },
        element("td", { textContent: new Date(Number(record.Time)).toISOString().replace("T", " ").replace("Z", " UTC") }),
        element("td", { textContent: record.Identifier + (record.Name ? " – " + record.Name : "") }),
        element("td", { className: "json", textContent: record.InputData || "" }),
        element("td", { className: "json", textContent: record.OutputData || "" }),
        element("td", { textContent: late ? "late reply" : "" }));
      $("history").tBodies[0].append(row);
    });
    if (!rows.length && !more) $("history-status").textContent = "No calls in the last 24 hours.";
    $("history-more").hidden = !data.NextValid;
    $("history-more").onclick = () => loadHistory(Number(data.NextTime), true);
    return rows;
  }

  function showKeys() {
    $("keys-state").textContent = keys ? keys.id + ": calls are signed" : "none: calls are sent unsigned";
    $("access-key-id").value = keys ? keys.id : "";
    $("access-key-secret").value = "";
  }

  $("use-keys").addEventListener("click", () => {
    const id = $("access-key-id").value.trim();
    const secret = $("access-key-secret").value;
    keys = id && secret ? { id, secret } : null;
    if (keys && $("remember-keys").checked) sessionStorage.setItem(KEYS_ITEM, JSON.stringify(keys));
    else sessionStorage.removeItem(KEYS_ITEM);
    showKeys();
    loadProducts();
  });
  $("forget-keys").addEventListener("click", () => {
    keys = null;
    sessionStorage.removeItem(KEYS_ITEM);
    showKeys();
  });
  $("product").addEventListener("change", () => {
    devicePage = 1;
    status("");
    loadDevices();
    loadModel();
  });
  $("devices-prev").addEventListener("click", () => { devicePage--; loadDevices(); });
  $("devices-next").addEventListener("click", () => { devicePage++; loadDevices(); });
  $("device").addEventListener("change", () => {
    showAnswer("none", "", "", "");
    loadHistory(Date.now());
  });
  $("service").addEventListener("change", showService);
  $("args-form").addEventListener("submit", invoke);
  $("history-refresh").addEventListener("click", () => loadHistory(Date.now()));

  showKeys();
  loadProducts();
})();
