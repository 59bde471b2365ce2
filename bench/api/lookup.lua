-- wrk script of bench/api/run.sh: GET /v1/batteries/{code} for codes drawn at random from a
-- file of battery codes, one per line (the first argument after `--`). `done` prints one line
-- the script reads: RESULT key=value ...
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local codes = {}

function init(args)
  local path = args[1]
  for line in io.lines(path) do
    if #line > 0 then codes[#codes + 1] = line end
  end
  if #codes == 0 then error("no battery codes in " .. tostring(path)) end
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  return wrk.format("GET", "/v1/batteries/" .. codes[math.random(#codes)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non2xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
