//! The unified diff (`--- live`, `+++ desired`, `@@` hunks with 3 lines of context) of the
//! two normalised objects rendered as YAML, optionally with ANSI colour. Lines are matched
//! with Myers' algorithm after trimming the common head and tail.

use super::ResourceDiff;
use super::yaml::to_yaml;

const CONTEXT: usize = 3;
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    Same,
    Delete,
    Insert,
}

/// The diff of `diff.live` (or nothing) against `diff.desired` as YAML, preceded by
/// `header` when it is not empty; an empty string when the two render the same.
pub fn unified_yaml(diff: &ResourceDiff, header: &str, color: bool) -> String {
    let live = diff.live.as_ref().map(to_yaml).unwrap_or_default();
    let desired = to_yaml(&diff.desired);
    unified_text(&live, &desired, ("live", "desired"), header, color)
}

/// The unified diff of two texts, labelled `--- labels.0` and `+++ labels.1`, preceded by
/// `header` when it is not empty; an empty string when they are equal.
pub fn unified_text(old: &str, new: &str, labels: (&str, &str), header: &str, color: bool) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let edits = edits(&old, &new);
    if edits.iter().all(|(e, _, _)| *e == Edit::Same) {
        return String::new();
    }
    let paint = |code: &str, line: &str| if color { format!("{code}{line}{RESET}\n") } else { format!("{line}\n") };
    let mut out = String::new();
    if !header.is_empty() {
        out.push_str(header);
        out.push('\n');
    }
    out.push_str(&paint(BOLD, &format!("--- {}", labels.0)));
    out.push_str(&paint(BOLD, &format!("+++ {}", labels.1)));
    for range in hunks(&edits) {
        out.push_str(&paint(CYAN, &hunk_header(&edits, range.clone())));
        for &(edit, a, b) in &edits[range] {
            match edit {
                Edit::Same => out.push_str(&format!(" {}\n", old[a])),
                Edit::Delete => out.push_str(&paint(RED, &format!("-{}", old[a]))),
                Edit::Insert => out.push_str(&paint(GREEN, &format!("+{}", new[b]))),
            }
        }
    }
    out
}

/// `@@ -start,count +start,count @@`, 1-based; an empty side names the line before it.
fn hunk_header(edits: &[(Edit, usize, usize)], range: std::ops::Range<usize>) -> String {
    let old_before = edits[..range.start].iter().filter(|(e, _, _)| *e != Edit::Insert).count();
    let new_before = edits[..range.start].iter().filter(|(e, _, _)| *e != Edit::Delete).count();
    let old_count = edits[range.clone()].iter().filter(|(e, _, _)| *e != Edit::Insert).count();
    let new_count = edits[range].iter().filter(|(e, _, _)| *e != Edit::Delete).count();
    let start = |before: usize, count: usize| if count == 0 { before } else { before + 1 };
    format!("@@ -{},{old_count} +{},{new_count} @@", start(old_before, old_count), start(new_before, new_count))
}

/// Ranges of `edits` to print: each change with up to 3 lines of context, changes closer
/// than 6 unchanged lines sharing one hunk.
fn hunks(edits: &[(Edit, usize, usize)]) -> Vec<std::ops::Range<usize>> {
    let changes: Vec<usize> = (0..edits.len()).filter(|i| edits[*i].0 != Edit::Same).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < changes.len() {
        let first = changes[i];
        let mut last = first;
        while i + 1 < changes.len() && changes[i + 1] - last - 1 <= 2 * CONTEXT {
            i += 1;
            last = changes[i];
        }
        out.push(first.saturating_sub(CONTEXT)..(last + CONTEXT + 1).min(edits.len()));
        i += 1;
    }
    out
}

/// The edit script turning `old` into `new`: `(edit, old index, new index)`.
fn edits(old: &[&str], new: &[&str]) -> Vec<(Edit, usize, usize)> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..].iter().rev().zip(new[head..].iter().rev()).take_while(|(a, b)| a == b).count();
    let mut out: Vec<_> = (0..head).map(|i| (Edit::Same, i, i)).collect();
    let middle = myers(&old[head..old.len() - tail], &new[head..new.len() - tail]);
    out.extend(middle.into_iter().map(|(e, a, b)| (e, a + head, b + head)));
    let (old_tail, new_tail) = (old.len() - tail, new.len() - tail);
    out.extend((0..tail).map(|i| (Edit::Same, old_tail + i, new_tail + i)));
    out
}

/// Myers' O((N+M)·D) shortest edit script.
fn myers(old: &[&str], new: &[&str]) -> Vec<(Edit, usize, usize)> {
    let (n, m) = (old.len() as isize, new.len() as isize);
    let max = n + m;
    let offset = max as usize;
    let mut v = vec![0isize; 2 * offset + 2];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    'search: for d in 0..=max {
        trace.push(v[offset - d as usize..=offset + d as usize].to_vec());
        for k in (-d..=d).step_by(2) {
            let at = |k: isize| (k + offset as isize) as usize;
            let mut x =
                if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) { v[at(k + 1)] } else { v[at(k - 1)] + 1 };
            let mut y = x - k;
            while x < n && y < m && old[x as usize] == new[y as usize] {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                break 'search;
            }
        }
    }
    backtrack(&trace, n, m)
}

fn backtrack(trace: &[Vec<isize>], n: isize, m: isize) -> Vec<(Edit, usize, usize)> {
    let (mut x, mut y) = (n, m);
    let mut out = Vec::new();
    for (d, snapshot) in trace.iter().enumerate().rev() {
        let d = d as isize;
        let (prev_x, prev_y) = if d == 0 {
            (0, 0)
        } else {
            let at = |k: isize| snapshot[(k + d) as usize];
            let k = x - y;
            let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) { k + 1 } else { k - 1 };
            (at(prev_k), at(prev_k) - prev_k)
        };
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            out.push((Edit::Same, x as usize, y as usize));
        }
        if d > 0 {
            if x == prev_x {
                out.push((Edit::Insert, x as usize, (y - 1) as usize));
            } else {
                out.push((Edit::Delete, (x - 1) as usize, y as usize));
            }
        }
        x = prev_x;
        y = prev_y;
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &[&str], new: &[&str]) -> (Vec<String>, usize) {
        let script = edits(old, new);
        let rebuilt: Vec<String> = script
            .iter()
            .filter(|(e, _, _)| *e != Edit::Delete)
            .map(|(e, a, b)| if *e == Edit::Same { old[*a].to_string() } else { new[*b].to_string() })
            .collect();
        (rebuilt, script.iter().filter(|(e, _, _)| *e != Edit::Same).count())
    }

    #[test]
    fn edit_scripts_rebuild_the_new_side_minimally() {
        let cases: [(&[&str], &[&str], usize); 5] = [
            (&["a", "b", "c", "a", "b", "b", "a"], &["c", "b", "a", "b", "a", "c"], 5),
            (&[], &["x", "y"], 2),
            (&["x", "y"], &[], 2),
            (&["a", "b"], &["a", "b"], 0),
            (&["a", "x", "c"], &["a", "y", "c"], 2),
        ];
        for (old, new, changes) in cases {
            let (rebuilt, count) = apply(old, new);
            assert_eq!(rebuilt, new);
            assert_eq!(count, changes, "{old:?} -> {new:?}");
        }
    }
}
