-- Shared by the wrk scripts of scripts/bench.sh: which lines of a prepared file this wrk thread
-- takes, and one parseable RESULT line at the end. Errors are connect, read, write and timeout
-- failures and every answer that is not 2xx (wrk's own count stops at >= 400, so 3xx are
-- counted here too by response()).
local common = {}
local threads = {}
local counter = 0

function common.setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

-- The lines of `path` that belong to this thread (every n-th, from its id).
function common.lines(path)
  local out, n, total = {}, 0, tonumber(os.getenv("BENCH_THREADS") or "1")
  for line in io.lines(path) do
    if n % total == id then out[#out + 1] = line end
    n = n + 1
  end
  return out
end

function common.response(status, headers, body)
  if status < 200 or status >= 300 then
    non2xx = (non2xx or 0) + 1
    -- the first few refusals of each thread, for the run's log
    if non2xx <= 3 then io.stderr:write(string.format("non-2xx %d: %s\n", status, (body or ""):sub(1, 300))) end
  end
end

function common.done(summary, latency)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("non2xx") or 0) end
  local e = summary.errors
  local failures = e.connect + e.read + e.write + e.timeout + bad
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f errors=%d" ..
    " (connect=%d read=%d write=%d timeout=%d non2xx=%d)\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, failures,
    e.connect, e.read, e.write, e.timeout, bad))
end

return common
