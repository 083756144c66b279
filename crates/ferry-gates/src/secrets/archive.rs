//! Archives (gitleaks' `--max-archive-depth`): zip, tar, tar.gz/tgz and gzip files are read in
//! memory, never extracted to disk, and their files scanned as `archive.zip!inner/file` (nested:
//! `outer.zip!inner.tar!file`), as gitleaks names them.
//!
//! Archive bombs are bounded: an entry larger than the per-file limit is skipped and reported;
//! an archive stops being read after [`ArchiveLimits::max_entries`] entries or once
//! [`ArchiveLimits::max_total_bytes`] of content (declared or read) have gone by, and the rest is
//! reported as skipped. Entry names that are absolute or climb out with `..` are reported (they
//! are harmless here, as nothing is written, but a sign of a crafted archive) and still scanned.

use std::io::{Cursor, Read};

use flate2::read::GzDecoder;

use super::scanner::SkipReason;

/// Between an archive's path and the path of a file inside it.
pub const INNER_PATH_SEPARATOR: &str = "!";

/// Caps on what one archive (with everything nested in it) may make the scanner read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Entries read from one archive, at most.
    pub max_entries: usize,
    /// Uncompressed bytes read from one top-level archive and its nested archives, at most.
    pub max_total_bytes: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits { max_entries: 10_000, max_total_bytes: 1 << 30 }
    }
}

/// The archive formats read, recognised by name as gitleaks recognises them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Zip,
    Tar,
    TarGz,
    /// A single gzip-compressed file: its content is scanned under the archive's own path.
    Gz,
}

/// The archive format `path` names, if any.
pub(crate) fn format_of(path: &str) -> Option<Format> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
        Some(Format::TarGz)
    } else if lower.ends_with(".zip") {
        Some(Format::Zip)
    } else if lower.ends_with(".tar") {
        Some(Format::Tar)
    } else if lower.ends_with(".gz") {
        Some(Format::Gz)
    } else {
        None
    }
}

/// What reading an archive yields, one item at a time.
#[derive(Debug)]
pub(crate) enum Item {
    /// A regular file: its cleaned name (empty for a `.gz` file's single content) and bytes.
    File { name: String, bytes: Vec<u8>, unsafe_name: bool },
    /// An entry, or the rest of the archive, that was not read.
    Skipped { name: String, reason: SkipReason },
}

/// How much an archive tree may still read.
#[derive(Debug)]
pub(crate) struct Budget {
    limits: ArchiveLimits,
    /// Per-entry limit (the scan's `max_target_bytes`).
    max_entry_bytes: Option<u64>,
    spent: u64,
}

impl Budget {
    pub fn new(limits: ArchiveLimits, max_entry_bytes: Option<u64>) -> Budget {
        Budget { limits, max_entry_bytes, spent: 0 }
    }

    /// Charges `bytes`; false once the tree's total is over the limit.
    fn charge(&mut self, bytes: u64) -> bool {
        self.spent = self.spent.saturating_add(bytes);
        self.spent <= self.limits.max_total_bytes
    }

    fn over_total(&self) -> SkipReason {
        SkipReason::ArchiveLimit(format!(
            "more than {} bytes of uncompressed content; the rest of the archive is not scanned",
            self.limits.max_total_bytes
        ))
    }
}

/// Reads `bytes` as `format`, handing each item to `visit`. Corrupt archives end with a
/// `Skipped` item saying why; nothing here fails the scan.
pub(crate) fn read(format: Format, bytes: &[u8], budget: &mut Budget, visit: &mut dyn FnMut(Item, &mut Budget)) {
    match format {
        Format::Zip => read_zip(bytes, budget, visit),
        Format::Tar => read_tar(Cursor::new(bytes), budget, visit),
        Format::TarGz => read_tar(GzDecoder::new(Cursor::new(bytes)), budget, visit),
        Format::Gz => {
            let item = match read_capped(GzDecoder::new(Cursor::new(bytes)), budget) {
                Ok(bytes) => Item::File { name: String::new(), bytes, unsafe_name: false },
                Err(reason) => Item::Skipped { name: String::new(), reason },
            };
            visit(item, budget);
        }
    }
}

fn read_zip(bytes: &[u8], budget: &mut Budget, visit: &mut dyn FnMut(Item, &mut Budget)) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(e) => return visit(unreadable("", e), budget),
    };
    for index in 0..archive.len() {
        if index >= budget.limits.max_entries {
            return visit(too_many(budget), budget);
        }
        let item = match archive.by_index(index) {
            Err(e) => unreadable(&format!("entry #{index}"), e),
            Ok(entry) if entry.is_dir() => continue,
            Ok(entry) => {
                let (name, unsafe_name) = clean_name(&String::from_utf8_lossy(entry.name_raw()));
                file_item(name, unsafe_name, entry, budget)
            }
        };
        let stop = matches!(&item, Item::Skipped { reason: SkipReason::ArchiveLimit(_), .. });
        visit(item, budget);
        if stop {
            return;
        }
    }
}

fn read_tar(reader: impl Read, budget: &mut Budget, visit: &mut dyn FnMut(Item, &mut Budget)) {
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return visit(unreadable("", e), budget),
    };
    for (index, entry) in entries.enumerate() {
        if index >= budget.limits.max_entries {
            return visit(too_many(budget), budget);
        }
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => return visit(unreadable(&format!("entry #{index}"), e), budget),
        };
        // Skipping an entry still decompresses it: its declared size counts against the total.
        let declared = entry.header().size().unwrap_or(0);
        if budget.spent.saturating_add(declared) > budget.limits.max_total_bytes {
            return visit(Item::Skipped { name: String::new(), reason: budget.over_total() }, budget);
        }
        if !entry.header().entry_type().is_file() {
            budget.charge(declared);
            continue;
        }
        let (name, unsafe_name) = clean_name(&String::from_utf8_lossy(&entry.path_bytes()));
        let before = budget.spent;
        let item = file_item(name, unsafe_name, entry, budget);
        budget.spent = budget.spent.max(before.saturating_add(declared));
        visit(item, budget);
    }
}

/// Reads one entry within the per-entry and total limits.
fn file_item(name: String, unsafe_name: bool, entry: impl Read, budget: &mut Budget) -> Item {
    match read_capped(entry, budget) {
        Ok(bytes) => Item::File { name, bytes, unsafe_name },
        Err(reason) => Item::Skipped { name, reason },
    }
}

/// Reads at most the per-entry limit (and what the total allows); over either is a skip.
fn read_capped(reader: impl Read, budget: &mut Budget) -> Result<Vec<u8>, SkipReason> {
    let left = budget.limits.max_total_bytes.saturating_sub(budget.spent);
    let entry_limit = budget.max_entry_bytes.unwrap_or(u64::MAX);
    let cap = entry_limit.min(left);
    let mut bytes = Vec::new();
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    let read = bytes.len() as u64;
    if !budget.charge(read) || read > left {
        return Err(budget.over_total());
    }
    if read > entry_limit {
        return Err(SkipReason::TooLarge { size: read, limit: entry_limit });
    }
    Ok(bytes)
}

fn too_many(budget: &Budget) -> Item {
    let reason = SkipReason::ArchiveLimit(format!(
        "more than {} entries; the rest of the archive is not scanned",
        budget.limits.max_entries
    ));
    Item::Skipped { name: String::new(), reason }
}

fn unreadable(name: &str, error: impl std::fmt::Display) -> Item {
    Item::Skipped { name: name.to_string(), reason: SkipReason::Unreadable(format!("corrupt archive: {error}")) }
}

/// Cleans an entry name as Go's `filepath.Clean` does (gitleaks reports that form); the flag says
/// whether the name is absolute or climbs out of the archive with `..`.
pub(crate) fn clean_name(name: &str) -> (String, bool) {
    let name = name.replace('\\', "/");
    let absolute = name.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    let escapes = parts.first() == Some(&"..");
    match (absolute, joined.is_empty()) {
        (true, _) => (format!("/{joined}"), true),
        (false, true) => (".".into(), false),
        (false, false) => (joined, escapes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_like_go_and_escapes_flagged() {
        assert_eq!(clean_name("a/./b//c.txt"), ("a/b/c.txt".into(), false));
        assert_eq!(clean_name("a/../b.txt"), ("b.txt".into(), false));
        assert_eq!(clean_name("../../etc/passwd"), ("../../etc/passwd".into(), true));
        assert_eq!(clean_name("/etc/passwd"), ("/etc/passwd".into(), true));
        assert_eq!(clean_name("a/../../x"), ("../x".into(), true));
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(format_of("x/Bundle.TGZ"), Some(Format::TarGz));
        assert_eq!(format_of("a.tar.gz"), Some(Format::TarGz));
        assert_eq!(format_of("a.zip"), Some(Format::Zip));
        assert_eq!(format_of("a.log.gz"), Some(Format::Gz));
        assert_eq!(format_of("a.zipper"), None);
    }
}
