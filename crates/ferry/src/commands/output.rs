//! Printing: aligned tables like kubectl's, JSON, YAML, and colour only on a terminal.

use std::io::IsTerminal;

use serde::Serialize;

/// Prints rows as a left-aligned table with a header, columns separated by three spaces.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let text: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| if i == last { c.to_string() } else { format!("{c:<w$}", w = widths[i]) })
            .collect();
        println!("{}", text.join("   ").trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub fn yaml<T: Serialize>(value: &T) -> anyhow::Result<()> {
    print!("{}", ferry_core::diff::to_yaml(&serde_json::to_value(value)?));
    Ok(())
}

/// Whether stdout is a terminal (colour, progress).
pub fn is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) for unix seconds.
pub fn timestamp(secs: i64) -> String {
    ferry_localkube::time::format_rfc3339(secs).replace('T', " ").trim_end_matches('Z').to_string()
}
