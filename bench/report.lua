-- wrk hooks for bench/run.py. Counts each response's X-Page-Cache header (hit, miss, or none
-- when the page is not cacheable or the cache is off) and the responses that were not 200,
-- and after the normal report prints one JSON line with the figures bench/run.py reads.
-- Given a file after `--` (one path a line), each request asks for a random path from it.
local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  hit, miss, none, not_ok = 0, 0, 0, 0
  if args[1] then
    local paths = {}
    for line in io.lines(args[1]) do
      paths[#paths + 1] = line
    end
    math.randomseed(os.time() * 100 + number)
    -- Defined here, so that wrk sends its one prepared request when no list is given.
    request = function()
      return wrk.format(nil, paths[math.random(#paths)])
    end
  end
end

function response(status, headers, body)
  local cache = headers["X-Page-Cache"] or headers["x-page-cache"]
  if cache == "hit" then
    hit = hit + 1
  elseif cache == "miss" then
    miss = miss + 1
  else
    none = none + 1
  end
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

done = function(summary, latency, requests)
  local counts = {hit = 0, miss = 0, none = 0, not_ok = 0}
  for _, thread in ipairs(threads) do
    for name, count in pairs(counts) do
      counts[name] = count + thread:get(name)
    end
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d},"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,' ..
    '"p99":%d,"max":%d},"cache":{"hit":%d,"miss":%d,"none":%d},"not_ok":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, counts.hit, counts.miss, counts.none, counts.not_ok))
end
