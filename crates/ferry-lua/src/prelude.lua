-- Ferry's health-check sandbox, run once in every fresh Lua state before the script.
-- It receives one argument: a function that says whether the run has been aborted
-- (time limit passed). What is left in _G afterwards is all a script can reach.
local aborted = ...
local error, rawget, select, type, tostring = error, rawget, select, type, tostring
local native_pcall, native_xpcall, native_setmetatable = pcall, xpcall, setmetatable

-- `os` keeps only the clock; nothing that touches the process, files or environment.
os = { time = os.time, date = os.date }

-- Neither loading code nor steering the collector.
load, loadfile, dofile, collectgarbage = nil, nil, nil, nil
string.dump = nil

-- Scripts may print while debugging; the output goes nowhere.
print = function() end

-- `require` hands out only the libraries that are already loaded (Argo CD allows
-- `local os = require("os")`).
local modules = { os = os, string = string, table = table, math = math, utf8 = utf8 }
require = function(name)
  local module = modules[name]
  if module == nil then
    error("module '" .. tostring(name) .. "' is not available in health checks", 2)
  end
  return module
end

-- A caught error must not swallow the time limit or memory exhaustion: re-raise them.
local function rethrow(ok, ...)
  if not ok then
    local reason = ...
    if aborted() or reason == "not enough memory" then
      error(reason, 0)
    end
  end
  return ok, ...
end
pcall = function(f, ...) return rethrow(native_pcall(f, ...)) end
xpcall = function(f, handler, ...) return rethrow(native_xpcall(f, handler, ...)) end

-- Finalizers run with debug hooks off, so a looping `__gc` could never be stopped.
setmetatable = function(t, metatable)
  if type(metatable) == "table" and rawget(metatable, "__gc") ~= nil then
    error("__gc metamethods are not allowed in health checks", 2)
  end
  return native_setmetatable(t, metatable)
end

-- Lua 5.1 names that Argo CD's scripts (written for gopher-lua) use.
table.getn = function(t) return #t end
table.maxn = function(t)
  local max = 0
  for key in pairs(t) do
    if type(key) == "number" and key > max then max = key end
  end
  return max
end
unpack = table.unpack
-- In Lua 5.1 every number printed without ".0"; keep integral powers integers.
math.pow = function(x, y)
  local power = x ^ y
  return math.tointeger(power) or power
end
math.mod = math.fmod
math.log10 = function(x) return math.log(x, 10) end

-- Pattern matching runs in C, where the time limit's hook never fires, and backtracking can
-- take time exponential in the number of repetitions (`("a"):rep(3000):find(".-.-.-b")`
-- runs for hours). Before matching, bound the worst case: each repetition (`*`, `+`, `-`,
-- `%b`, a back-reference) may try every position, each `?` two ways, every start position
-- is tried unless the pattern is anchored. Refuse what could exceed about half a second;
-- patterns that real health checks use on real messages stay far below.
local MAX_PATTERN_STEPS = 1e9
local sub, format, native = string.sub, string.format, {}

-- The index of the `]` closing the set that opens at `i`.
local function set_end(pattern, i)
  local j = i + 1
  if sub(pattern, j, j) == "^" then j = j + 1 end
  repeat -- the first character of a set may be a literal `]`
    if sub(pattern, j, j) == "%" then j = j + 1 end
    j = j + 1
  until j > #pattern or sub(pattern, j, j) == "]"
  return j
end

-- How many repetitions and optional items `pattern` has.
local function repetitions(pattern)
  local i, repeats, optionals = 1, 0, 0
  if sub(pattern, 1, 1) == "^" then i = 2 end
  while i <= #pattern do
    local c, next_c, class_end = sub(pattern, i, i), sub(pattern, i + 1, i + 1), nil
    if c == "%" and next_c == "b" then
      repeats, i = repeats + 1, i + 4
    elseif c == "%" and next_c == "f" then
      i = set_end(pattern, i + 2) + 1
    elseif c == "%" and next_c >= "1" and next_c <= "9" then
      repeats, i = repeats + 1, i + 2
    elseif c == "(" or c == ")" then
      i = i + 1
    else
      class_end = (c == "%" and i + 1) or (c == "[" and set_end(pattern, i)) or i
      local quantifier = sub(pattern, class_end + 1, class_end + 1)
      if quantifier == "*" or quantifier == "+" or quantifier == "-" then
        repeats, i = repeats + 1, class_end + 2
      elseif quantifier == "?" then
        optionals, i = optionals + 1, class_end + 2
      else
        i = class_end + 1
      end
    end
  end
  return repeats, optionals
end

local function check_pattern(name, subject, pattern, anchorable)
  if type(subject) ~= "string" or type(pattern) ~= "string" then return end
  local repeats, optionals = repetitions(pattern)
  if repeats == 0 and optionals == 0 then return end
  local n = #subject
  local starts = (anchorable and sub(pattern, 1, 1) == "^") and 1 or n + 1
  if starts * n ^ repeats * 2 ^ optionals > MAX_PATTERN_STEPS then
    error(format("string.%s: pattern %q could backtrack too long on a %d-byte string", name, pattern, n), 3)
  end
end

for _, name in ipairs({ "find", "match", "gmatch", "gsub" }) do native[name] = string[name] end
string.find = function(s, pattern, init, plain)
  if not plain then check_pattern("find", s, pattern, true) end
  return native.find(s, pattern, init, plain)
end
string.match = function(s, pattern, ...)
  check_pattern("match", s, pattern, true)
  return native.match(s, pattern, ...)
end
string.gmatch = function(s, pattern, ...)
  check_pattern("gmatch", s, pattern, false) -- `^` does not anchor gmatch
  return native.gmatch(s, pattern, ...)
end
string.gsub = function(s, pattern, ...)
  check_pattern("gsub", s, pattern, true)
  return native.gsub(s, pattern, ...)
end
string.gfind = string.gmatch
