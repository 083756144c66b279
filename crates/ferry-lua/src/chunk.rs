//! Turning source into a callable chunk, parsing each text once.
//!
//! States are never reused (see `sandbox.rs`), so a compiled function cannot outlive its run;
//! its bytecode can. The first run of a script parses it and keeps the bytecode (with debug
//! information, so error messages keep their lines); later runs load that. Only bytecode this
//! crate produced from the same Lua build is ever loaded, never bytes from outside.

use std::sync::OnceLock;

use mlua::chunk::ChunkMode;
use mlua::{Function, Lua};

/// A function for `source` in `lua`, parsed on first use and loaded from `cache` after that.
pub(crate) fn load(lua: &Lua, source: &str, name: &str, cache: &OnceLock<Vec<u8>>) -> mlua::Result<Function> {
    if let Some(bytecode) = cache.get() {
        return lua.load(bytecode.as_slice()).set_mode(ChunkMode::Binary).set_name(name).into_function();
    }
    let function = lua.load(source).set_mode(ChunkMode::Text).set_name(name).into_function()?;
    // Racing threads produce the same bytes; whichever lands first is kept.
    let _ = cache.set(function.dump(false));
    Ok(function)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_load_comes_from_the_cache_with_the_same_behaviour() {
        let cache = OnceLock::new();
        for _ in 0..2 {
            let lua = Lua::new();
            let function = load(&lua, "error('boom')", "=cached.lua", &cache).unwrap();
            let error = function.call::<()>(()).unwrap_err().to_string();
            assert!(error.contains("cached.lua:1: boom"), "{error}");
        }
        assert!(cache.get().is_some());
    }

    #[test]
    fn syntax_errors_are_not_cached() {
        let cache = OnceLock::new();
        assert!(load(&Lua::new(), "return {", "=bad.lua", &cache).is_err());
        assert!(cache.get().is_none());
    }
}
