//! Custom health checks in Argo CD's Lua contract, run in a sandbox.
//!
//! A health script (Argo CD's `health.lua`) sees the live object as the global `obj` and
//! returns `{status = "Healthy" | "Progressing" | "Degraded" | "Suspended" | "Missing" |
//! "Unknown", message = "..."}`. Ferry runs it on Lua 5.4 with integers kept as integers and
//! the Lua 5.1 names Argo CD's scripts use, in a fresh state per run with only `string`,
//! `table`, `math`, `utf8` and `os.time`/`os.date`, a 1 s time limit and a 16 MiB memory limit.
//! Whatever goes wrong, the answer is `Unknown` with the reason, never a crash or a hang.
//!
//! Scripts are found by group and kind ([`HealthScripts::for_kind`]) in a directory laid out
//! like Argo CD's `resource_customizations` ([`HealthScripts::load_dir`]) or in an argocd-cm
//! ConfigMap ([`HealthScripts::load_argocd_cm`]).
//!
//! ```
//! use ferry_lua::{Script, evaluate};
//! let script = Script::new(r#"
//!     hs = {}
//!     if obj.spec.suspend then hs.status = "Suspended" else hs.status = "Healthy" end
//!     return hs
//! "#, "example");
//! let health = evaluate(&script, &serde_json::json!({"spec": {"suspend": true}}));
//! assert_eq!(health.status, "Suspended");
//! ```

mod argocd_cm;
mod chunk;
mod convert;
mod deadline;
mod directory;
mod error;
mod evaluate;
mod failure;
mod health;
mod limits;
mod pattern;
mod sandbox;
mod script;
mod scripts;

pub use argocd_cm::{CUSTOMIZATIONS_KEY, HEALTH_KEY_PREFIX};
pub use directory::HEALTH_FILE;
pub use error::LoadError;
pub use evaluate::{evaluate, evaluate_with_limits};
pub use health::{LuaHealth, STATUSES, UNKNOWN, is_status};
pub use limits::{DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT, Limits};
pub use pattern::GroupKindPattern;
pub use script::Script;
pub use scripts::HealthScripts;
