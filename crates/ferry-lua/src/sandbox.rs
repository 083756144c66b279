//! A fresh Lua 5.4 state with only what health scripts may use.
//!
//! Libraries: base (minus code loading and the collector), `string`, `table`, `math`, `utf8`,
//! and `os` cut down to `time` and `date`; no `io`, `debug`, `package` or `coroutine`.
//! `prelude.lua` does the cutting and adds the Lua 5.1 names Argo CD's scripts use
//! (`table.getn`, `unpack`, `string.gfind`, `math.pow`, …). It also bounds pattern
//! matching, which runs in C out of reach of the time limit's hook.
//!
//! A state is never reused: every run starts from a fresh one, so nothing a script changes
//! (globals, the string metatable) can leak into the next run. Creating one costs tens of
//! microseconds (the prelude is parsed once per process, see `chunk.rs`).

use std::sync::OnceLock;

use mlua::{Lua, LuaOptions, StdLib};

use crate::chunk;
use crate::deadline::Deadline;
use crate::limits::Limits;

const PRELUDE: &str = include_str!("prelude.lua");

/// The prelude's bytecode, shared by every state of the process.
static PRELUDE_BYTECODE: OnceLock<Vec<u8>> = OnceLock::new();

/// A sandboxed state whose run is bounded by `limits`; the clock starts now.
pub(crate) fn new_state(limits: &Limits) -> mlua::Result<(Lua, Deadline)> {
    let libs = StdLib::STRING | StdLib::TABLE | StdLib::MATH | StdLib::UTF8 | StdLib::OS;
    let lua = Lua::new_with(libs, LuaOptions::new())?;
    let deadline = Deadline::arm(&lua, limits.time)?;
    let flag = deadline.clone();
    let aborted = lua.create_function(move |_, ()| Ok(flag.expired()))?;
    chunk::load(&lua, PRELUDE, "=ferry prelude", &PRELUDE_BYTECODE)?.call::<()>(aborted)?;
    lua.set_memory_limit(limits.memory)?;
    Ok((lua, deadline))
}
