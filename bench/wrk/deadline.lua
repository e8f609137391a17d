-- wrk script of bench/deadline_rush.py: `wrk ... -s bench/wrk/deadline.lua URL -- FILE MODE`.
--
-- FILE holds one request a line, tab-separated: method, path, a header ("Name: value"), the
-- body (may be empty), a key (a member's id). MODE:
--   cycle  every thread goes round all the lines for as long as wrk runs (read-only requests);
--   once   the lines are shared out between the threads in blocks of SPAN consecutive lines
--          (argument 3, default 1: a save and its submit are a block of 2; argument 4: wrk's
--          -t); each thread sends its lines once, in order, then stops. Run it with one
--          connection a thread (-c = -t): a member's submit then leaves after his save was
--          answered, and a thread stops only once its last request was answered (a thread that
--          stops drops the requests its other connections have under way).
-- done() prints one line "RESULT {json}" with the figures and the keys of the requests answered
-- 200 whose line ends a block (the submits), and one "FAILED key status" line for each other
-- answer to such a line.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local function split(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      table.insert(fields, field)
   end
   return fields
end

function init(args)
   local file, mode = args[1], args[2] or "cycle"
   local span, nthreads = tonumber(args[3] or "1"), tonumber(args[4] or "1")
   local all = {}
   for line in io.lines(file) do
      if line ~= "" then
         table.insert(all, split(line))
      end
   end
   lines, index, once, last_key, last_end = {}, 0, mode == "once", nil, false
   ok_keys, failed_keys = {}, {}
   verify_pending = (id == 0)
   if once then
      local blocks = math.ceil(#all / span)
      for b = 0, blocks - 1 do
         if b % nthreads == id then
            for i = 1, span do
               local entry = all[b * span + i]
               if entry then
                  entry.ends = (i == span)
                  table.insert(lines, entry)
               end
            end
         end
      end
   else
      lines = all
      -- Each thread starts at another place in the list.
      index = (id * 7919) % math.max(#lines, 1)
   end
end

function request()
   -- wrk calls the first thread's request() once before the run to check the script; that
   -- call must not use up a line (the save before a submit).
   if verify_pending then
      verify_pending = false
      return wrk.format("GET", "/healthz")
   end
   if #lines == 0 or (once and index >= #lines) then
      -- Nothing left to send: the thread stops (wrk wants a request all the same).
      last_end = false
      wrk.thread:set("finished", "1")
      wrk.thread:stop()
      return wrk.format("GET", "/healthz")
   end
   index = index + 1
   if index > #lines then
      index = 1
   end
   local entry = lines[index]
   local headers = {}
   local name, value = entry[3]:match("^([^:]+):%s*(.*)$")
   if name then
      headers[name] = value
   end
   if entry[4] ~= "" then
      headers["Content-Type"] = "application/json"
   end
   last_key, last_end = entry[5], entry.ends
   return wrk.format(entry[1], entry[2], headers, entry[4] ~= "" and entry[4] or nil)
end

function response(status, headers, body)
   if once and last_end then
      if status == 200 then
         table.insert(ok_keys, last_key)
      else
         table.insert(failed_keys, last_key .. " " .. status)
      end
      wrk.thread:set("ok", table.concat(ok_keys, ","))
      wrk.thread:set("failed", table.concat(failed_keys, ","))
   end
end

function done(summary, latency, requests)
   local ok, failed, finished = {}, {}, 0
   for _, thread in ipairs(threads) do
      local keys = thread:get("ok")
      if type(keys) == "string" and keys ~= "" then
         table.insert(ok, keys)
      end
      local bad = thread:get("failed")
      if type(bad) == "string" and bad ~= "" then
         for entry in bad:gmatch("[^,]+") do
            io.write("FAILED " .. entry .. "\n")
         end
      end
      if thread:get("finished") == "1" then
         finished = finished + 1
      end
   end
   local e = summary.errors
   io.write(string.format(
      'RESULT {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
      '"max": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
      '"threads_finished": %d, "ok": [%s]}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
      latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout,
      finished, table.concat(ok, ",")))
end
