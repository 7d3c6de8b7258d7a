-- wrk script: POST /claims with a fresh NPHIES claim bundle on every request.
--
--   wrk -t2 -c64 -d20s --latency -s bench/post_claims.lua http://127.0.0.1:PORT -- [RUN_TAG] [BODY_FILE] [PATIENTS]
--
-- RUN_TAG    8 hex digits that make this run's ids differ from every other run against the same
--            database (bench/post-claims.sh passes a fresh one for the warm-up and the main run).
--            Default: random, seeded from the clock.
-- BODY_FILE  the sample bundle. Default: the NPHIES "Claim Professional Request" fixture,
--            relative to the repository root (run wrk from there).
-- PATIENTS   "unique" (default): every claim is for a different patient (its iqama, which the
--            sample also uses as the coverage member id, is replaced), like a hospital's
--            traffic. "same": every claim is for the sample's one patient (a worst case: all
--            writes touch one patient row).
--
-- Each request gets
--   Bundle.id         RRRRRRRR-TTTT-4000-8000-CCCCCCCCCCCC  (GUID-shaped: run tag, thread, counter)
--   Claim identifier  req_RRRRRRRR_TTTT_CCCCCCCCCCCC
-- so ids are unique across threads and runs and the server answers 201, never 200 (replay) or
-- 409 (conflict). done() prints the counts, claims/s (201s only) and latency percentiles, plus one
-- machine-readable "RESULT ..." line that bench/post-claims.sh reads.

local DEFAULT_BODY = "tests/fixtures/nphies/nphies-fhir-docs/10 - Claim Professional Request.json"
local SAMPLE_BUNDLE_ID = "9004205a-65cc-4b97-af94-a04cb5e96260"
local SAMPLE_CLAIM_ID = "req_296260"
local SAMPLE_PATIENT_ID = "0000000001"

------------------------------------------------------------------------------------------------
-- Main Lua state: number the threads and share one run tag.

local threads = {}
local run_tag = nil

function setup(thread)
   if run_tag == nil then
      math.randomseed(os.time() + math.floor(os.clock() * 1000000))
      run_tag = string.format("%08x", math.random(0, 0x7fffffff))
   end
   thread:set("thread_no", #threads)
   thread:set("default_tag", run_tag)
   table.insert(threads, thread)
end

------------------------------------------------------------------------------------------------
-- Per-thread Lua state.

local template    -- the body with the ids replaced by the marks \1 (Bundle) \2 (claim) \3 (patient)
local patients
local tag
local counter = 0
local headers = { ["Content-Type"] = "application/fhir+json" }

-- Globals, read back by done() through thread:get(). `sent` counts request() calls: every request
-- written, plus the one wrk builds on the first thread to check the script before the run.
used_tag = nil
sent = 0
statuses = {}

local function read_file(path)
   local f, err = io.open(path, "rb")
   if not f then
      error("post_claims.lua: cannot open body file " .. path .. ": " .. tostring(err))
   end
   local text = f:read("*a")
   f:close()
   return text
end

-- `text` as a Lua pattern that matches itself (GUIDs contain "-", a pattern character).
local function literal(text)
   return (string.gsub(text, "%p", "%%%0"))
end

-- Position of the only occurrence of `needle` (plain text); fails if it is missing or repeated.
local function find_once(text, needle)
   local s, e = string.find(text, needle, 1, true)
   if not s then
      error("post_claims.lua: \"" .. needle .. "\" not found in the body file")
   end
   if string.find(text, needle, e + 1, true) then
      error("post_claims.lua: \"" .. needle .. "\" occurs more than once in the body file")
   end
   return s, e
end

function init(args)
   tag = args[1] or default_tag
   if not string.match(tag, "^%x%x%x%x%x%x%x%x$") then
      error("post_claims.lua: RUN_TAG must be 8 hex digits, got " .. tostring(tag))
   end
   tag = string.lower(tag)
   used_tag = tag
   local body = read_file(args[2] or DEFAULT_BODY)

   -- Mark the ids once; each request then fills the marks in one pass.
   find_once(body, '"' .. SAMPLE_BUNDLE_ID .. '"')
   find_once(body, '"' .. SAMPLE_CLAIM_ID .. '"')
   template = string.gsub(body, literal('"' .. SAMPLE_BUNDLE_ID .. '"'), '"\1"', 1)
   template = string.gsub(template, literal('"' .. SAMPLE_CLAIM_ID .. '"'), '"\2"', 1)
   patients = args[3] or "unique"
   if patients == "unique" then
      local n
      template, n = string.gsub(template, literal('"' .. SAMPLE_PATIENT_ID .. '"'), '"\3"')
      if n == 0 then
         error("post_claims.lua: patient id " .. SAMPLE_PATIENT_ID .. " not found in the body file")
      end
   elseif patients ~= "same" then
      error("post_claims.lua: PATIENTS must be unique or same, got " .. tostring(patients))
   end
end

function request()
   counter = counter + 1
   sent = sent + 1
   local n = string.format("%012x", counter)
   local t = string.format("%04x", thread_no)
   local fill = {
      ["\1"] = tag .. "-" .. t .. "-4000-8000-" .. n,
      ["\2"] = "req_" .. tag .. "_" .. t .. "_" .. n,
      -- 10 digits starting with 2, like an iqama: thread in one digit, counter in eight.
      ["\3"] = string.format("2%01d%08d", thread_no % 10, counter % 100000000),
   }
   local body = string.gsub(template, "[\1\2\3]", fill)
   return wrk.format("POST", "/claims", headers, body)
end

function response(status, _headers, _body)
   statuses[status] = (statuses[status] or 0) + 1
end

------------------------------------------------------------------------------------------------
-- Main Lua state again, after the run.

function done(summary, latency, _requests)
   local total_sent, by_status = 0, {}
   for _, thread in ipairs(threads) do
      total_sent = total_sent + (thread:get("sent") or 0)
      local st = thread:get("statuses") or {}
      for code, count in pairs(st) do
         by_status[code] = (by_status[code] or 0) + count
      end
   end

   local created, non201 = by_status[201] or 0, 0
   local codes = {}
   for code, count in pairs(by_status) do
      if code ~= 201 then
         non201 = non201 + count
         table.insert(codes, code)
      end
   end
   table.sort(codes)
   local other = {}
   for _, code in ipairs(codes) do
      table.insert(other, string.format("%d x%d", code, by_status[code]))
   end

   local seconds = summary.duration / 1e6
   local rate = seconds > 0 and created / seconds or 0
   local e = summary.errors
   local function ms(us) return us / 1000 end
   local p50, p90, p99 = latency:percentile(50), latency:percentile(90), latency:percentile(99)

   io.write("---------------- POST /claims ----------------\n")
   io.write(string.format("run tag              %s\n", threads[1]:get("used_tag") or run_tag))
   io.write(string.format("duration             %.2f s\n", seconds))
   io.write(string.format("requests (answered)  %d\n", summary.requests))
   io.write(string.format("  201 Created        %d\n", created))
   io.write(string.format("  non-201            %d%s\n", non201,
                          #other > 0 and ("  (" .. table.concat(other, ", ") .. ")") or ""))
   io.write(string.format("requests built       %d  (%d not answered when wrk stopped)\n",
                          total_sent, total_sent - summary.requests))
   io.write(string.format("socket errors        connect %d, read %d, write %d, timeout %d\n",
                          e.connect, e.read, e.write, e.timeout))
   io.write(string.format("claims/s (201 only)  %.1f\n", rate))
   io.write(string.format("latency p50          %.2f ms\n", ms(p50)))
   io.write(string.format("latency p90          %.2f ms\n", ms(p90)))
   io.write(string.format("latency p99          %.2f ms\n", ms(p99)))
   io.write(string.format("latency max          %.2f ms\n", ms(latency.max)))
   io.write(string.format(
      "RESULT requests=%d created=%d non201=%d sent=%d seconds=%.3f claims_per_s=%.1f "
         .. "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
         .. "err_connect=%d err_read=%d err_write=%d err_timeout=%d\n",
      summary.requests, created, non201, total_sent, seconds, rate,
      ms(p50), ms(p90), ms(p99), ms(latency.max),
      e.connect, e.read, e.write, e.timeout))
end
