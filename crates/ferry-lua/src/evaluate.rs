//! Running one health script against one object: Argo CD's contract.
//!
//! The script sees the object as the global `obj` and returns a table
//! `{status = "...", message = "..."}`. A status outside the six, a value that is not such a
//! table, an error, the time limit or the memory limit all give `Unknown` with the reason.

use mlua::{Lua, MultiValue, Table, Value as LuaValue};
use serde_json::Value;

use crate::chunk;
use crate::convert::to_lua;
use crate::failure::{Failure, error_text, is_out_of_memory};
use crate::health::{LuaHealth, is_status};
use crate::limits::Limits;
use crate::sandbox::new_state;
use crate::script::Script;

/// Runs `script` against `obj` within the default limits (1 s, 16 MiB). Never panics and never
/// takes much longer than the time limit for scripts that loop in Lua.
pub fn evaluate(script: &Script, obj: &Value) -> LuaHealth {
    evaluate_with_limits(script, obj, &Limits::default())
}

/// Runs `script` against `obj` within `limits`.
pub fn evaluate_with_limits(script: &Script, obj: &Value, limits: &Limits) -> LuaHealth {
    match run(script, obj, limits) {
        Ok(health) => health,
        Err(failure) => LuaHealth::unknown(failure.to_string()),
    }
}

fn run(script: &Script, obj: &Value, limits: &Limits) -> Result<LuaHealth, Failure> {
    let (lua, deadline) = new_state(limits).map_err(|error| Failure::Script(error_text(&error)))?;
    let returned = call(&lua, script, obj).map_err(|error| {
        if deadline.expired() {
            Failure::TimeLimit(limits.time_text())
        } else if is_out_of_memory(&error) {
            Failure::MemoryLimit(limits.memory_text())
        } else {
            Failure::Script(error_text(&error))
        }
    })?;
    read_health(returned)
}

/// Sets `obj` and runs the script, returning its first result.
fn call(lua: &Lua, script: &Script, obj: &Value) -> mlua::Result<LuaValue> {
    lua.globals().raw_set("obj", to_lua(lua, obj)?)?;
    let name = format!("={}", script.origin());
    let function = chunk::load(lua, script.source(), &name, script.bytecode())?;
    let mut returned: MultiValue = function.call(())?;
    Ok(returned.pop_front().unwrap_or(LuaValue::Nil))
}

/// The health in the table a script returned. Fields are read raw so no metamethod runs.
fn read_health(returned: LuaValue) -> Result<LuaHealth, Failure> {
    let LuaValue::Table(table) = returned else {
        return Err(Failure::NotATable(type_phrase(&returned)));
    };
    let status = match raw_field(&table, "status") {
        LuaValue::Nil => return Err(Failure::NoStatus),
        LuaValue::String(status) => status.to_string_lossy(),
        other => return Err(Failure::InvalidStatus(format!("<{}>", other.type_name()))),
    };
    if !is_status(&status) {
        return Err(Failure::InvalidStatus(status));
    }
    let message = match raw_field(&table, "message") {
        LuaValue::Nil => String::new(),
        LuaValue::String(message) => message.to_string_lossy(),
        LuaValue::Integer(number) => number.to_string(),
        LuaValue::Number(number) => number.to_string(),
        other => return Err(Failure::InvalidMessage(other.type_name())),
    };
    Ok(LuaHealth::reported(status, message))
}

fn raw_field(table: &Table, name: &str) -> LuaValue {
    table.raw_get(name).unwrap_or(LuaValue::Nil)
}

fn type_phrase(value: &LuaValue) -> &'static str {
    match value {
        LuaValue::Nil => "nothing",
        LuaValue::Boolean(_) => "a boolean",
        LuaValue::Integer(_) | LuaValue::Number(_) => "a number",
        LuaValue::String(_) => "a string",
        LuaValue::Function(_) => "a function",
        _ => "a value",
    }
}
