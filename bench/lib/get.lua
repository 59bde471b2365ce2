-- wrk script of the benchmarks (bench/api, bench/web): each request GETs a line drawn at random
-- from a file (the first argument after `--`: one path, or one battery code, a line), after a
-- prefix (the second argument, "" for none), with the request headers given as the further
-- arguments ("Name: value"). `done` prints one line the scripts read: RESULT key=value ...
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local lines = {}
local prefix = ""
local headers = {}

function init(args)
  local path = args[1]
  for line in io.lines(path) do
    if #line > 0 then lines[#lines + 1] = line end
  end
  if #lines == 0 then error("no lines in " .. tostring(path)) end
  prefix = args[2] or ""
  for i = 3, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    if not name then error("not a header: " .. args[i]) end
    headers[name] = value
  end
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  return wrk.format("GET", prefix .. lines[math.random(#lines)], headers)
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
