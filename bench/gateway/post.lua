-- wrk script for the gateway benchmark: POSTs the benchmark query and checks every response.
-- Environment: BENCH_BODY_FILE (the JSON request body), BENCH_EXPECTED_LENGTH (byte length of a
-- verified correct response; a 2xx answer of another length counts as a mismatch), BENCH_ERROR_DIR
-- (optional: each thread writes the first wrong answer it sees there, for diagnosis).
-- done() prints one line "BENCH_RESULT {json}" that run.py reads.

local function read_file(path)
  local file = assert(io.open(path, "rb"), "cannot open BENCH_BODY_FILE")
  local content = file:read("*a")
  file:close()
  return content
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = read_file(os.getenv("BENCH_BODY_FILE"))

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  expected_length = tonumber(os.getenv("BENCH_EXPECTED_LENGTH") or "-1")
  responses = 0
  non_2xx = 0
  graphql_errors = 0
  length_mismatches = 0
  error_saved = false
end

local function save_first_error(kind, status, body)
  local dir = os.getenv("BENCH_ERROR_DIR")
  if error_saved or not dir or dir == "" then
    return
  end
  error_saved = true
  local file = io.open(dir .. "/wrong-answer-thread" .. tostring(thread_number) .. ".txt", "wb")
  if file then
    file:write(kind, " (HTTP ", tostring(status), ")\n", body)
    file:close()
  end
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
    save_first_error("non-2xx", status, body)
  elseif string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
    save_first_error("GraphQL errors", status, body)
  elseif expected_length >= 0 and #body ~= expected_length then
    length_mismatches = length_mismatches + 1
    save_first_error("size " .. tostring(#body) .. " instead of " .. tostring(expected_length), status, body)
  end
end

function done(summary, latency, requests)
  local totals = { responses = 0, non_2xx = 0, graphql_errors = 0, length_mismatches = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"duration_us": %d, "requests": %d, "bytes": %d, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "status_errors": %d, ' ..
    '"responses": %d, "non_2xx": %d, "graphql_errors": %d, "length_mismatches": %d, ' ..
    '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d}}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.timeout, e.status,
    totals.responses, totals.non_2xx, totals.graphql_errors, totals.length_mismatches,
    latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99)))
end
