-- wrk script: POSTs pushes of ITEMS GPS fixes each, as a form body with the token field
-- (FORMAT=form) or a JSON body (FORMAT=json). Every item has a key no other request uses, so each
-- push is new data, not an idempotent no-op. At the end it prints one line:
-- RESULT requests=<n> non2xx=<n> socket_errors=<n> duration_us=<n> p50_us=<n> p99_us=<n> p999_us=<n>
local items = tonumber(os.getenv("ITEMS") or "1")
local format = os.getenv("FORMAT") or "form"
local token = os.getenv("TOKEN") or ""
local path = os.getenv("PUSH_PATH") or "/pushgps"
local run = tonumber(os.getenv("RUN") or "0")
local threads = {}
local counter = 0
-- id: set per thread by setup() (a global of that thread's interpreter)
id = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

-- JSON text of one fix; form bodies carry it percent-encoded, built from pre-encoded parts.
local function item_json(imei, n)
  return string.format('{"deviceImei":"%s","gpsTime":"2024-05-01 %02d:%02d:%02d","lat":-1.2864,'
    .. '"lng":36.8172,"gpsSpeed":42,"direction":180,"satelliteNum":11,"acc":1}',
    imei, math.floor(n / 3600) % 24, math.floor(n / 60) % 60, n % 60)
end

local function item_form(imei, n)
  return string.format('%%7B%%22deviceImei%%22%%3A%%22%s%%22%%2C%%22gpsTime%%22%%3A%%222024-05-01+%02d%%3A%02d'
    .. '%%3A%02d%%22%%2C%%22lat%%22%%3A-1.2864%%2C%%22lng%%22%%3A36.8172%%2C%%22gpsSpeed%%22%%3A42%%2C'
    .. '%%22direction%%22%%3A180%%2C%%22satelliteNum%%22%%3A11%%2C%%22acc%%22%%3A1%%7D',
    imei, math.floor(n / 3600) % 24, math.floor(n / 60) % 60, n % 60)
end

local function url_encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  counter = counter + 1
  -- 15 digits: 8, the run, the thread, then the request number; the item number is its time of day.
  local imei = string.format("8%d%d%012d", run % 10, id % 10, counter)
  local parts = {}
  if format == "json" then
    for i = 1, items do
      parts[i] = item_json(imei, i)
    end
    local body = '{"token":"' .. token .. '","data_list":[' .. table.concat(parts, ",") .. ']}'
    return wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
  end
  for i = 1, items do
    parts[i] = item_form(imei, i)
  end
  local body = "token=" .. url_encode(token) .. "&data_list=%5B" .. table.concat(parts, "%2C") .. "%5D"
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d duration_us=%d p50_us=%d p99_us=%d "
    .. "p999_us=%d\n", summary.requests, non2xx, socket, summary.duration, latency:percentile(50),
    latency:percentile(99), latency:percentile(99.9)))
end
