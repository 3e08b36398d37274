-- wrk script: the exploration workload. POSTs the query in QUERY_FILE with variables drawn per
-- request, uniformly: `code` over the synthetic departments synth-00000 … (DEPARTMENTS − 1)
-- and `year` over the last YEARS years ending in 2023 (as `seed synth` writes them). Each wrk
-- thread draws from its own generator seeded with RANDOM_SEED + thread number, so two servers
-- driven with the same RANDOM_SEED and thread count are asked the same sequence of questions
-- (each gets as much of it as it answers in the time). Results print as bench/wrk.lua's do.
dofile("bench/wrk.lua")

local departments = tonumber(os.getenv("DEPARTMENTS") or "2000")
local years = tonumber(os.getenv("YEARS") or "10")
local seed = tonumber(os.getenv("RANDOM_SEED") or "1")
local last_year = 2023

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c)
    local named = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
    return named[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local f = assert(io.open(assert(os.getenv("QUERY_FILE"), "QUERY_FILE is not set"), "r"))
local prefix = '{"query":' .. json_string(f:read("*a")) .. ',"variables":'
f:close()

local threads = 0
function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  math.randomseed(seed + (thread_number or 0))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function request()
  local code = string.format("synth-%05d", math.random(0, departments - 1))
  local year = last_year - math.random(0, years - 1)
  local body = prefix .. string.format('{"code":"%s","year":%d}}', code, year)
  return wrk.format(nil, nil, nil, body)
end
