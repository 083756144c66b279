//! `ferry app diff APP`: the per-resource differences a sync would apply; exit 1 when any.

use ferry_controller::Engine;
use ferry_core::diff::{to_yaml, unified_yaml};

use crate::commands::{Exit, output};

pub async fn run(engine: &Engine, name: &str) -> anyhow::Result<Exit> {
    let status = engine.status(name, true).await?;
    let color = output::is_terminal();
    let mut differs = false;
    for r in &status.resources {
        let header = format!("===== {}/{} {}/{} ======", r.group, r.kind, r.namespace, r.name);
        if r.requires_pruning {
            differs = true;
            println!("{header}");
            println!("(would be pruned: no longer in Git)");
            continue;
        }
        let Some(d) = &r.diff else { continue };
        if d.in_sync {
            continue;
        }
        differs = true;
        let text = unified_yaml(d, &header, color);
        if text.is_empty() {
            println!("{header}\n{}", to_yaml(&ferry_core::diff::redacted(&d.desired)));
        } else {
            print!("{text}");
        }
    }
    Ok(if differs { Exit::Problem } else { Exit::Success })
}
