//! `ferry notification list`: the notification outbox — what was sent to whom, what is
//! waiting for a retry, what was given up and why.

use ferry_store::NotificationRecord;

use crate::cli::{NotificationCommand, Output};
use crate::commands::{Exit, Globals, output};

pub async fn run(globals: &Globals, cmd: &NotificationCommand) -> anyhow::Result<Exit> {
    let engine = globals.engine().await?;
    let NotificationCommand::List { limit, output: out } = cmd;
    let messages = engine.store.notifications(*limit).await?;
    match out {
        Output::Json => output::json(&messages)?,
        Output::Yaml => output::yaml(&messages)?,
        Output::Table | Output::Wide => {
            let rows: Vec<Vec<String>> = messages
                .iter()
                .map(|n| {
                    vec![
                        n.id.to_string(),
                        output::timestamp(n.created_at),
                        n.notifier.clone(),
                        n.event.clone(),
                        status(n),
                        n.payload["title"].as_str().unwrap_or_default().to_owned(),
                    ]
                })
                .collect();
            output::table(&["ID", "CREATED", "NOTIFIER", "EVENT", "STATUS", "TITLE"], &rows);
        }
    }
    Ok(Exit::Success)
}

fn status(n: &NotificationRecord) -> String {
    match (n.delivered_at, n.gave_up) {
        (Some(at), _) => format!("delivered {}", output::timestamp(at)),
        (None, true) => format!("given up after {} attempts: {}", n.attempts, n.last_error),
        (None, false) if n.attempts == 0 => "pending".to_owned(),
        (None, false) => {
            format!("retry at {} (attempt {} failed: {})", output::timestamp(n.next_attempt), n.attempts, n.last_error)
        }
    }
}
