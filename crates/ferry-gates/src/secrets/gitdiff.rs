//! A streaming reader of `git log -p -U0` / `git diff -U0` output: the added lines of each hunk,
//! attributed to the commit that added them.
//!
//! Commit headers come from the `--format` in [`LOG_FORMAT`], framed by control characters no
//! diff line can start with (diff lines start with `+`, `-`, ` `, `@`, `\` or a header word).

use std::borrow::Cow;

use super::detector::CommitInfo;

/// The `git log --format` this parser reads.
pub(crate) const LOG_FORMAT: &str = "--format=%x1e%x1eCOMMIT%x1f%H%x1f%an%x1f%ae%x1f%at%n%B%x1e%x1eEND";
const COMMIT_MARK: &str = "\x1e\x1eCOMMIT\x1f";
const END_MARK: &str = "\x1e\x1eEND";

/// The added lines of one hunk.
#[derive(Debug)]
pub(crate) struct Hunk<'a> {
    pub commit: Option<&'a CommitInfo>,
    pub path: &'a str,
    /// 1-based line of the first added line in the new file.
    pub start_line: usize,
    pub raw: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    Message,
    FileHeader,
    Hunk,
}

/// Line-by-line parser; `push` each output line (without its `\n`), then `finish`.
#[derive(Debug)]
pub(crate) struct DiffParser {
    state: State,
    commit: Option<CommitInfo>,
    message: Vec<String>,
    path: Option<String>,
    skip_file: bool,
    hunk_start: usize,
    /// The hunk's added lines as git wrote them; made text once per hunk, not per line.
    added: Vec<u8>,
}

impl DiffParser {
    /// `with_commits`: the output has commit headers (`git log`), else it is a bare diff.
    pub fn new(with_commits: bool) -> DiffParser {
        DiffParser {
            state: if with_commits { State::Message } else { State::FileHeader },
            commit: None,
            message: Vec::new(),
            path: None,
            skip_file: false,
            hunk_start: 0,
            added: Vec::new(),
        }
    }

    /// One output line, as bytes: added lines are only copied, everything else is read as text.
    pub fn push(&mut self, line: &[u8], emit: &mut impl FnMut(&Hunk<'_>)) {
        if self.state == State::Hunk
            && let Some(added) = line.strip_prefix(b"+")
        {
            self.added.extend_from_slice(added);
            self.added.push(b'\n');
            return;
        }
        self.push_text(&String::from_utf8_lossy(line), emit);
    }

    fn push_text(&mut self, line: &str, emit: &mut impl FnMut(&Hunk<'_>)) {
        if let Some(header) = line.strip_prefix(COMMIT_MARK) {
            self.flush(emit);
            self.start_commit(header);
            return;
        }
        match self.state {
            State::Message => self.message_line(line),
            State::FileHeader => self.header_line(line),
            State::Hunk => self.hunk_line(line, emit),
        }
    }

    pub fn finish(&mut self, emit: &mut impl FnMut(&Hunk<'_>)) {
        self.flush(emit);
    }

    fn start_commit(&mut self, header: &str) {
        let mut parts = header.split('\x1f');
        let mut next = || parts.next().unwrap_or_default().to_string();
        let (sha, author, email, time) = (next(), next(), next(), next());
        let date = time.trim().parse::<i64>().map(rfc3339_utc).unwrap_or_default();
        self.commit = Some(CommitInfo { sha, author, email, date, message: String::new() });
        self.message.clear();
        self.path = None;
        self.state = State::Message;
    }

    fn message_line(&mut self, line: &str) {
        let (text, done) = match line.strip_suffix(END_MARK) {
            Some(text) => (text, true),
            None => (line, false),
        };
        if !(done && text.is_empty()) {
            self.message.push(text.to_string());
        }
        if done {
            if let Some(commit) = &mut self.commit {
                commit.message = self.message.join("\n").trim().to_string();
            }
            self.state = State::FileHeader;
        }
    }

    fn header_line(&mut self, line: &str) {
        if line.starts_with("diff --git ") {
            self.path = None;
            self.skip_file = false;
        } else if let Some(target) = line.strip_prefix("+++ ") {
            let target = target.strip_suffix('\t').unwrap_or(target);
            let target = unquote(target);
            match target.strip_prefix("b/") {
                Some(path) => self.path = Some(path.to_string()),
                None => self.skip_file = true, // /dev/null: the file is deleted
            }
        } else if line.starts_with("Binary files ") || line.starts_with("deleted file mode") {
            self.skip_file = true;
        } else if line.starts_with("@@ ") {
            self.start_hunk(line);
        }
    }

    fn hunk_line(&mut self, line: &str, emit: &mut impl FnMut(&Hunk<'_>)) {
        if line.starts_with("\\ ") {
            // "\ No newline at end of file" after an added line: that line had no newline.
            if self.added.ends_with(b"\n") {
                self.added.pop();
            }
        } else if line.starts_with("@@ ") {
            self.flush(emit);
            self.start_hunk(line);
        } else if line.starts_with("diff --git ") {
            self.flush(emit);
            self.state = State::FileHeader;
            self.header_line(line);
        }
    }

    fn start_hunk(&mut self, line: &str) {
        self.hunk_start = hunk_new_start(line).unwrap_or(1);
        self.added.clear();
        self.state = State::Hunk;
    }

    fn flush(&mut self, emit: &mut impl FnMut(&Hunk<'_>)) {
        if self.state == State::Hunk
            && !self.added.is_empty()
            && !self.skip_file
            && let Some(path) = &self.path
        {
            // Invalid UTF-8 is replaced per hunk as it was per line: a bad sequence never
            // spans the newline that ends its line.
            let raw = match std::str::from_utf8(&self.added) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(&self.added),
            };
            emit(&Hunk { commit: self.commit.as_ref(), path, start_line: self.hunk_start, raw: &raw });
        }
        self.added.clear();
        if self.state == State::Hunk {
            self.state = State::FileHeader;
        }
    }
}

/// The `c` of `@@ -a,b +c,d @@`.
fn hunk_new_start(line: &str) -> Option<usize> {
    let plus = line.split(' ').find(|part| part.starts_with('+'))?;
    plus[1..].split(',').next()?.parse().ok()
}

/// Undoes git's C-style quoting of unusual paths (`"b/a\tb"`).
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else { return path.to_string() };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(d @ b'0'..=b'7') => {
                let mut value = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&o @ b'0'..=b'7') = chars.peek() {
                        value = value * 8 + u32::from(o - b'0');
                        chars.next();
                    }
                }
                bytes.push(value as u8);
            }
            Some(other) => bytes.push(other),
            None => bytes.push(b'\\'),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Seconds since the epoch as RFC 3339 in UTC (`2024-05-01T12:00:00Z`), as gitleaks prints dates.
pub(crate) fn rfc3339_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hunks(text: &str, with_commits: bool) -> Vec<(String, String, usize, String)> {
        let mut out = Vec::new();
        let mut parser = DiffParser::new(with_commits);
        let mut emit = |h: &Hunk<'_>| {
            let sha = h.commit.map(|c| c.sha.clone()).unwrap_or_default();
            out.push((sha, h.path.to_string(), h.start_line, h.raw.to_string()));
        };
        for line in text.lines() {
            parser.push(line.as_bytes(), &mut emit);
        }
        parser.finish(&mut emit);
        out
    }

    #[test]
    fn log_output_with_commits() {
        let text = "\x1e\x1eCOMMIT\x1fabc\x1fAnn\x1fann@x.org\x1f0\nAdd key\n\nbody\n\x1e\x1eEND\n\n\
            diff --git a/k.txt b/k.txt\nnew file mode 100644\n--- /dev/null\n+++ b/k.txt\n@@ -0,0 +1,2 @@\n+one\n+++two\n\
            diff --git a/gone b/gone\ndeleted file mode 100644\n--- a/gone\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n\
            diff --git a/bin b/bin\nBinary files /dev/null and b/bin differ\n";
        let got = hunks(text, true);
        assert_eq!(got, vec![("abc".into(), "k.txt".into(), 1, "one\n++two\n".into())]);
    }

    #[test]
    fn bare_diff_hunks_and_missing_newline() {
        let text = "diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -3 +3 @@\n-old\n+new\n\\ No newline at end of file\n\
            @@ -9,0 +10,1 @@\n+later\n";
        let got = hunks(text, false);
        assert_eq!(got[0], (String::new(), "a".into(), 3, "new".into()));
        assert_eq!(got[1].2, 10);
    }

    #[test]
    fn invalid_utf8_in_added_lines_is_replaced_as_line_by_line() {
        let lines: [&[u8]; 5] = [b"diff --git a/a b/a", b"+++ b/a", b"@@ -0,0 +1,2 @@", b"+ok \xE2\x82", b"+\xACtoken"];
        let mut parser = DiffParser::new(false);
        let mut got = Vec::new();
        let mut emit = |h: &Hunk<'_>| got.push(h.raw.to_string());
        for line in lines {
            parser.push(line, &mut emit);
        }
        parser.finish(&mut emit);
        let per_line: String =
            lines[3..].iter().map(|l| String::from_utf8_lossy(&l[1..]).into_owned() + "\n").collect();
        assert_eq!(got, vec![per_line.clone()]);
        assert_eq!(per_line, "ok \u{FFFD}\n\u{FFFD}token\n");
    }

    #[test]
    fn quoted_paths_and_dates() {
        assert_eq!(unquote("\"b/a\\tb\""), "b/a\tb");
        assert_eq!(unquote("\"b/\\303\\251\""), "b/é");
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
