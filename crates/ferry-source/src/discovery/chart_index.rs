//! A Helm chart repository's `index.yaml`: untrusted, possibly large YAML, parsed with caps
//! on size, nodes, depth and alias expansion; only each entry's `version` and `created` are kept.

use std::collections::HashMap;

use serde::Deserialize;

/// The largest index accepted (big public repositories publish indexes of ~20 MiB).
pub(crate) const MAX_INDEX_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, Deserialize)]
struct Index {
    #[serde(default)]
    entries: HashMap<String, Vec<Entry>>,
}

/// One published version of a chart.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Entry {
    pub(crate) version: String,
    #[serde(default)]
    pub(crate) created: Option<String>,
}

/// The versions of `chart` in an index; `None` when the index has no such chart.
pub(crate) fn versions(text: &str, chart: &str) -> Result<Option<Vec<Entry>>, String> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: 1_000,
            max_depth: 64,
            max_nodes: 10_000_000,
            max_total_scalar_bytes: MAX_INDEX_BYTES as usize,
        },
    };
    let mut index: Index =
        serde_saphyr::from_str_with_options(text, options).map_err(|e| first_line(&e.to_string()))?;
    Ok(index.entries.remove(chart))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::versions;

    #[test]
    fn reads_versions_of_one_chart() {
        let text = "apiVersion: v1\nentries:\n  web:\n    - version: 1.2.0\n      created: \"2024-01-01T00:00:00Z\"\n      urls: [web-1.2.0.tgz]\n    - version: \"1.10.0\"\n  db:\n    - version: 0.1.0\n";
        let web = versions(text, "web").unwrap().unwrap();
        assert_eq!(web.iter().map(|e| e.version.as_str()).collect::<Vec<_>>(), ["1.2.0", "1.10.0"]);
        assert!(versions(text, "cache").unwrap().is_none());
        assert!(versions("entries: [unclosed", "web").is_err());
    }
}
