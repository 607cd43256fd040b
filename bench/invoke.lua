-- wrk script for bench/run: sync InvokeThingService Blink on a1LampDemo1 lamp-1/lamp-2 (param1 0..9), as GETs on
-- the URL's path (the gateway and the Node-RED peer both answer at /). A response counts as failed unless it is
-- HTTP 200 with "Success":true in its body. done() prints one RESULT line for bench/run.
local requests = {}
local counter = 0
failures = 0
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   for i = 0, 9 do
      requests[#requests + 1] = wrk.format("GET", wrk.path .. "?Action=InvokeThingService&ProductKey=a1LampDemo1&DeviceName=lamp-"
         .. (i % 2 + 1) .. "&Identifier=Blink&Args=%7B%22param1%22%3A" .. i .. "%7D")
   end
end

function request()
   counter = counter % #requests + 1
   return requests[counter]
end

function response(status, headers, body)
   if status ~= 200 or not string.find(body, '"Success":true', 1, true) then
      failures = failures + 1
   end
end

function done(summary, latency, requests)
   local failed = 0
   for _, thread in ipairs(threads) do
      failed = failed + thread:get("failures")
   end
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
   io.write(string.format("RESULT http calls=%d failed=%d socket_errors=%d seconds=%.3f rate=%.1f p50_ms=%.3f p99_ms=%.3f\n",
      summary.requests, failed, errors, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
