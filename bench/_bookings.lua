-- wrk script of bench/bookings.py: POST /v2/bookings with a distinct student per request.
-- The Python side writes `targets.lua` next to this file (a table `targets` of
-- {eventTypeId, start} pairs and `mode`, "spread" or "hot") and reads the JSON `done` prints.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(os.getenv("BENCH_TARGETS") or (here .. "targets.lua"))

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0
local slot = 1 -- hot mode: the session this thread books, moved on once it is full
statuses = {}
reasons = {}
local headers = { ["Content-Type"] = "application/json", ["cal-api-version"] = "2024-08-13" }

function init(args)
  math.randomseed(tid * 7919 + 1)
end

function request()
  counter = counter + 1
  local target
  if mode == "hot" then
    target = targets[slot]
  else
    target = targets[math.random(#targets)]
  end
  local body = string.format(
    '{"eventTypeId":%d,"start":"%s","attendee":{"name":"S","email":"s%d-%d@bench.example.com","timeZone":"UTC"}}',
    target[1], target[2], tid, counter)
  return wrk.format("POST", "/v2/bookings", headers, body)
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 201 then
    local reason = body:match('"reason"%s*:%s*"([^"]+)"') or "?"
    reasons[reason] = (reasons[reason] or 0) + 1
    if mode == "hot" and reason == "seats_full" and slot < #targets then
      slot = slot + 1
    end
  end
end

function done(summary, latency, requests)
  local codes, why = {}, {}
  for _, thread in ipairs(threads) do
    for k, v in pairs(thread:get("statuses")) do codes[k] = (codes[k] or 0) + v end
    for k, v in pairs(thread:get("reasons")) do why[k] = (why[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(codes) do table.insert(parts, string.format('"%s":%d', k, v)) end
  local rparts = {}
  for k, v in pairs(why) do table.insert(rparts, string.format('"%s":%d', k, v)) end
  io.write(string.format(
    'BENCH-JSON {"duration_us":%d,"requests":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"codes":{%s},"reasons":{%s}}\n',
    summary.duration, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max,
    table.concat(parts, ","), table.concat(rparts, ",")))
end
