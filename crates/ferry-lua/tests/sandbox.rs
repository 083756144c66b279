//! The contract and the sandbox: what scripts may do, what they may not, and what every kind
//! of failure reports. Each script here is written for this test.

use std::time::{Duration, Instant};

use ferry_lua::{Limits, LuaHealth, Script, evaluate, evaluate_with_limits};
use serde_json::{Value, json};

fn run(source: &str) -> LuaHealth {
    run_on(source, &json!({}))
}

fn run_on(source: &str, obj: &Value) -> LuaHealth {
    evaluate(&Script::new(source, "test.lua"), obj)
}

fn assert_unknown_containing(health: &LuaHealth, needle: &str) {
    assert_eq!(health.status, "Unknown", "{health:?}");
    assert!(health.message.contains(needle), "expected {needle:?} in {:?}", health.message);
}

#[test]
fn lua_5_1_names_are_shimmed() {
    let health = run(r#"
        local t = {10, 20, 30}
        local a, b = unpack({1, 2})
        local words = {}
        for word in string.gfind("ready set go", "%a+") do words[#words + 1] = word end
        local message = table.getn(t) .. " " .. a + b .. " " .. math.pow(2, 10) .. " " .. table.concat(words, ",")
        return {status = "Healthy", message = message .. " " .. table.maxn(t)}
    "#);
    assert_eq!(health.message, "3 3 1024 ready,set,go 3");
}

#[test]
fn lua_5_4_syntax_and_os_clock_work() {
    let health = run(r#"
        for i = 1, 3 do
          if i == 2 then goto done end
        end
        ::done::
        local year = os.date("!*t", os.time()).year
        return {status = year >= 2024 and "Healthy" or "Degraded", message = os.date("!%Y-%m-%d", 86400)}
    "#);
    assert_eq!((health.status.as_str(), health.message.as_str()), ("Healthy", "1970-01-02"));
}

#[test]
fn the_message_is_optional_and_numbers_are_text() {
    assert_eq!(run(r#"return {status = "Healthy"}"#), LuaHealth { status: "Healthy".into(), message: String::new() });
    assert_eq!(run(r#"return {status = "Degraded", message = 42}"#).message, "42");
}

#[test]
fn a_status_outside_the_six_is_unknown() {
    assert_unknown_containing(&run(r#"return {status = "Great"}"#), r#"invalid status "Great""#);
    assert_unknown_containing(&run(r#"return {status = "healthy"}"#), "expected one of Healthy, Progressing");
    assert_unknown_containing(&run(r#"return {message = "no status"}"#), "returned no status");
    assert_unknown_containing(&run(r#"return {status = 1}"#), "invalid status");
    assert_unknown_containing(&run(r#"return {status = "Healthy", message = {}}"#), "table message");
}

#[test]
fn a_return_value_that_is_not_a_table_is_unknown() {
    assert_unknown_containing(&run(r#"return "Healthy""#), "returned a string, expected a table");
    assert_unknown_containing(&run("hs = {}"), "returned nothing");
}

#[test]
fn script_status_unknown_is_kept_with_its_message() {
    let health = run(r#"return {status = "Unknown", message = "cannot tell"}"#);
    assert_eq!(health.message, "cannot tell");
}

#[test]
fn runtime_errors_report_the_lua_error_text() {
    let health = run_on("local hs = {}\nhs.status = obj.status.phase\nreturn hs", &json!({"spec": {}}));
    assert_unknown_containing(
        &health,
        "health check failed: test.lua:2: attempt to index a nil value (field 'status')",
    );
    assert!(!health.message.contains("traceback"), "{}", health.message);
    assert_unknown_containing(&run(r#"error("custom failure")"#), "test.lua:1: custom failure");
    assert_unknown_containing(&run("return {status = "), "test.lua:1:");
}

#[test]
fn an_endless_loop_is_stopped_at_the_time_limit() {
    let started = Instant::now();
    let health = run("while true do end");
    let elapsed = started.elapsed();
    assert_eq!(health.message, "health check exceeded its time limit of 1s");
    assert!(health.is_unknown());
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn pcall_cannot_swallow_the_time_limit() {
    let limits = Limits { time: Duration::from_millis(200), ..Limits::default() };
    let scripts = [
        "while true do pcall(function() while true do end end) end",
        "while true do xpcall(function() while true do end end, function(e) return e end) end",
        "local function spin() while true do end end\nwhile true do pcall(pcall, spin) end",
    ];
    for source in scripts {
        let started = Instant::now();
        let health = evaluate_with_limits(&Script::new(source, "t.lua"), &json!({}), &limits);
        assert_eq!(health.message, "health check exceeded its time limit of 200ms", "{source}");
        assert!(started.elapsed() < Duration::from_secs(5), "{source}");
    }
}

#[test]
fn pcall_still_catches_ordinary_errors() {
    let health = run(r#"
        local ok, err = pcall(function() error("expected") end)
        return {status = ok and "Degraded" or "Healthy", message = err}
    "#);
    assert_eq!((health.status.as_str(), health.message.as_str()), ("Healthy", "test.lua:2: expected"));
}

#[test]
fn a_memory_bomb_is_stopped_at_the_memory_limit() {
    let bombs = [
        r#"local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 1000) end"#,
        r#"return {status = string.rep("x", 1e9)}"#,
        r#"local s = "x" while true do s = s .. s end"#,
        r#"while true do pcall(function() local t = {} for i = 1, 1e9 do t[i] = {} end end) end"#,
    ];
    for source in bombs {
        let started = Instant::now();
        let health = run(source);
        assert_eq!(health.message, "health check exceeded its memory limit of 16 MiB", "{source}");
        assert!(started.elapsed() < Duration::from_secs(5), "{source}");
    }
}

#[test]
fn runaway_pattern_backtracking_is_refused() {
    let started = Instant::now();
    let health =
        run(r#"local s = string.rep("a", 3000) return {status = s:find(".-.-.-b") and "Healthy" or "Degraded"}"#);
    assert_unknown_containing(
        &health,
        "string.find: pattern \".-.-.-b\" could backtrack too long on a 3000-byte string",
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    for source in [
        r#"for w in string.rep("a", 3000):gmatch("(a-)(a-)(a-)b") do end"#,
        r#"return string.rep("a", 100) :gsub("a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?b", "")"#,
        r#"return string.rep("(", 2000):match("^[%(]-[%(]-[%(]-[%(]-x")"#,
    ] {
        assert_unknown_containing(&run(source), "could backtrack too long");
    }
}

#[test]
fn ordinary_patterns_still_work() {
    let health = run(r#"
        local message = "  " .. string.rep("certificate renewed; ", 40) .. "  "
        local trimmed = message:match("^%s*(.-)%s*$")
        local count = select(2, trimmed:gsub("renewed", "renewed"))
        local first = string.find(message, "renewed", 1, true)
        local version = ("v1.28.3"):match("^v(%d+)%.(%d+)")
        local parts = {}
        for key, value in ("a=1,b=2"):gmatch("(%w+)=(%w+)") do parts[#parts + 1] = key .. value end
        local braces = ("f(a(b)c)"):find("%b()")
        local set = ("x]y"):find("[]]")
        return {status = "Healthy", message = table.concat({count, first, version, table.concat(parts), braces, set}, " ")}
    "#);
    assert_eq!(health.message, "40 15 1 a1b2 2 2", "{health:?}");
}

#[test]
fn deep_recursion_is_an_error_not_a_crash() {
    let health = run("local function down(n) return 1 + down(n + 1) end\nreturn down(1)");
    assert!(health.is_unknown(), "{health:?}");
}

#[test]
fn files_processes_and_modules_are_out_of_reach() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("written");
    let path = target.display().to_string();
    let attempts = [
        (format!(r#"io.open("{path}", "w"):write("x")"#), "global 'io'"),
        (format!(r#"os.execute("touch {path}")"#), "field 'execute'"),
        (format!(r#"os.remove("{path}")"#), "field 'remove'"),
        (format!(r#"require("io").open("{path}", "w")"#), "module 'io' is not available"),
        (r#"return require("ffi")"#.to_owned(), "module 'ffi' is not available"),
        (r#"return load("return 1")()"#.to_owned(), "global 'load'"),
        (r#"return loadstring("return 1")()"#.to_owned(), "global 'loadstring'"),
        (format!(r#"dofile("{path}")"#), "global 'dofile'"),
        ("return debug.getinfo(1)".to_owned(), "global 'debug'"),
        ("return package.loaded".to_owned(), "global 'package'"),
        ("collectgarbage()".to_owned(), "global 'collectgarbage'"),
        ("return os.getenv('HOME')".to_owned(), "field 'getenv'"),
        ("return string.dump(print)".to_owned(), "field 'dump'"),
    ];
    for (source, reason) in &attempts {
        assert_unknown_containing(&run(source), reason);
    }
    assert!(!target.exists(), "a script wrote {path}");
}

#[test]
fn finalizers_are_refused() {
    let started = Instant::now();
    let health = run("setmetatable({}, {__gc = function() while true do end end})\nreturn {status = 'Healthy'}");
    assert_unknown_containing(&health, "__gc metamethods are not allowed");
    assert!(started.elapsed() < Duration::from_secs(5));
    let plain = run("local t = setmetatable({}, {__index = function() return 'Healthy' end})\nreturn {status = t.x}");
    assert_eq!(plain.status, "Healthy");
}

#[test]
fn nothing_leaks_from_one_run_into_the_next() {
    run(r#"leaked = true; string.upper = nil; getmetatable("").__index = {}; return {status = "Healthy"}"#);
    let health = run(r#"return {status = leaked == nil and ("x"):upper() == "X" and "Healthy" or "Degraded"}"#);
    assert_eq!(health.status, "Healthy");
}

#[test]
fn the_object_is_read_only_in_effect() {
    let obj = json!({"spec": {"replicas": 2}});
    let script = Script::new(r#"obj.spec.replicas = 99; return {status = "Healthy"}"#, "t.lua");
    evaluate(&script, &obj);
    assert_eq!(obj["spec"]["replicas"], 2);
}

#[test]
fn a_run_costs_well_under_a_millisecond() {
    let script = Script::new(
        r#"hs = {} if obj.status.ready == obj.spec.replicas then hs.status = "Healthy" else hs.status = "Progressing" end return hs"#,
        "t.lua",
    );
    let obj = json!({"metadata": {"name": "x", "labels": {"a": "b"}}, "spec": {"replicas": 3}, "status": {"ready": 3}});
    let runs = 500;
    let started = Instant::now();
    for _ in 0..runs {
        assert_eq!(evaluate(&script, &obj).status, "Healthy");
    }
    let per_run = started.elapsed() / runs;
    eprintln!("one evaluation: {per_run:?}");
    assert!(per_run < Duration::from_millis(5), "{per_run:?}");
}
