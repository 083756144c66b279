//! The time limit: a count hook that checks the clock and aborts the run once it has passed.
//!
//! The hook fires every [`CHECK_EVERY`] VM instructions, so a loop is stopped a few
//! microseconds after the deadline. Once expired, the flag stays set so the sandbox's `pcall`
//! cannot swallow the abort (see `prelude.lua`). Time inside one C function is out of the hook's
//! reach: the memory limit bounds the linear ones (`string.rep`, `table.concat`) and the
//! prelude refuses pattern matches whose backtracking could run long.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use mlua::{HookTriggers, Lua, VmState};

/// Instructions between two looks at the clock.
const CHECK_EVERY: u32 = 1_000;

/// The run's deadline, shared with the hook.
#[derive(Debug, Clone)]
pub(crate) struct Deadline {
    expired: Rc<Cell<bool>>,
}

impl Deadline {
    /// Starts the clock for `lua`: from now on the run may last `limit`.
    pub(crate) fn arm(lua: &Lua, limit: Duration) -> mlua::Result<Self> {
        let at = Instant::now() + limit;
        let expired = Rc::new(Cell::new(false));
        let flag = Rc::clone(&expired);
        lua.set_hook(HookTriggers::new().every_nth_instruction(CHECK_EVERY), move |_, _| {
            if flag.get() || Instant::now() >= at {
                flag.set(true);
                return Err(mlua::Error::runtime("time limit exceeded"));
            }
            Ok(VmState::Continue)
        })?;
        Ok(Self { expired })
    }

    /// Whether the run went past its deadline.
    pub(crate) fn expired(&self) -> bool {
        self.expired.get()
    }
}
