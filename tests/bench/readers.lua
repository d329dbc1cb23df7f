-- wrk script for the newsroom-at-work readers (tests/bench/working.py).
-- wrk ... -s readers.lua http://127.0.0.1:PORT -- ADDRESSES_FILE
-- Each thread walks the list of addresses (one a line, popular pages repeated) from its
-- own starting point, tallies the X-Cache header of every response, and counts the misses
-- per tenth of a second; done() prints the totals as two JSON lines.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_usec; } readers_timeval;
int gettimeofday(readers_timeval *tv, void *tz);
]]
local now = ffi.new("readers_timeval")

local function tenth()
  ffi.C.gettimeofday(now, nil)
  return tonumber(now.tv_sec) * 10 + math.floor(tonumber(now.tv_usec) / 100000)
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  requests, position = {}, 0
  hits, misses, uncached, misses_at = 0, 0, 0, {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(requests, wrk.format("GET", line))
    end
  end
  position = math.floor(#requests * (id - 1) / math.max(1, counter)) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  local cache = headers["X-Cache"] or headers["x-cache"]
  if cache == "HIT" then
    hits = hits + 1
  elseif cache == "MISS" then
    misses = misses + 1
    local at = tenth()
    misses_at[at] = (misses_at[at] or 0) + 1
  else
    uncached = uncached + 1
  end
end

function done(summary, latency, requests)
  local total = { hits = 0, misses = 0, uncached = 0 }
  local by_tenth = {}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(total) do
      total[name] = total[name] + (thread:get(name) or 0)
    end
    for at, count in pairs(thread:get("misses_at") or {}) do
      by_tenth[at] = (by_tenth[at] or 0) + count
    end
  end
  local e = summary.errors
  io.write(string.format(
    "READERS_JSON {\"requests\": %d, \"duration_us\": %d, \"socket_errors\": %d, "
    .. "\"status_errors\": %d, \"p50_us\": %d, \"p99_us\": %d, \"hits\": %d, "
    .. "\"misses\": %d, \"uncached\": %d}\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), total.hits, total.misses, total.uncached))
  local parts = {}
  for at, count in pairs(by_tenth) do
    table.insert(parts, string.format("\"%d\": %d", at, count))
  end
  io.write("READERS_MISSES {" .. table.concat(parts, ", ") .. "}\n")
end
