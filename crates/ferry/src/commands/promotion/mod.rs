//! The promotion commands: `ferry freight`, `ferry stage`, `ferry promote`, `ferry approve`,
//! `ferry reject`, `ferry rollback`, `ferry audit`. Each opens the engine and works on the
//! state store directly (no server needed), printing progress on stderr.

mod audit;
mod decide;
mod freight;
mod notification;
mod promote;
mod stage;
mod warehouse;

use std::sync::Arc;

use ferry_controller::promotion::Promoter;

use super::Globals;

pub use audit::run as audit;
pub use decide::run as decide;
pub use freight::run as freight;
pub use notification::run as notification;
pub use promote::{promote, rollback};
pub use stage::run as stage;
pub use warehouse::run as warehouse;

/// The promotion engine over the control folder, printing progress on stderr.
async fn promoter(globals: &Globals) -> anyhow::Result<Promoter> {
    let engine = Arc::new(globals.engine().await?);
    Ok(Promoter::new(engine).with_progress(Arc::new(|line: &str| eprintln!("{line}"))))
}
