//! `ferry audit list|verify`.

use crate::cli::{AuditCommand, Output};
use crate::commands::{Exit, Globals, output};

pub async fn run(globals: &Globals, cmd: &AuditCommand) -> anyhow::Result<Exit> {
    let engine = globals.engine().await?;
    match cmd {
        AuditCommand::List { subject, limit, output: out } => {
            let entries = engine.store.audit_log(subject.as_deref(), *limit).await?;
            match out {
                Output::Json => output::json(&entries)?,
                Output::Yaml => output::yaml(&entries)?,
                Output::Table | Output::Wide => {
                    let rows: Vec<Vec<String>> = entries
                        .iter()
                        .map(|e| {
                            vec![
                                e.id.to_string(),
                                output::timestamp(e.at),
                                e.actor.clone(),
                                e.action.clone(),
                                e.subject.clone(),
                                e.detail.to_string(),
                            ]
                        })
                        .collect();
                    output::table(&["ID", "AT", "ACTOR", "ACTION", "SUBJECT", "DETAIL"], &rows);
                }
            }
            Ok(Exit::Success)
        }
        AuditCommand::Verify => match engine.store.verify_audit_chain().await? {
            Ok(n) => {
                println!("audit log intact: {n} entries, each chained to the one before");
                Ok(Exit::Success)
            }
            Err(id) => {
                eprintln!("audit log broken at entry {id}: its hash does not match its content or its predecessor");
                Ok(Exit::Problem)
            }
        },
    }
}
