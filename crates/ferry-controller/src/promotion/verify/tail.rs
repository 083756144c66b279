//! The last lines a command printed, kept in bounded memory however much it prints: at most
//! [`MAX_LINES`] lines of at most [`MAX_LINE_CHARS`] characters each.

use std::collections::VecDeque;

pub const MAX_LINES: usize = 20;
pub const MAX_LINE_CHARS: usize = 500;

/// Bytes in, last lines out.
#[derive(Debug, Default)]
pub(crate) struct Tail {
    lines: VecDeque<String>,
    /// The line being read, cut at `MAX_LINE_CHARS * 4` bytes (enough for any UTF-8 text).
    partial: Vec<u8>,
}

impl Tail {
    /// Adds output as it arrives.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        for chunk in bytes.split_inclusive(|b| *b == b'\n') {
            let room = (MAX_LINE_CHARS * 4).saturating_sub(self.partial.len());
            let content = chunk.strip_suffix(b"\n").unwrap_or(chunk);
            self.partial.extend_from_slice(&content[..content.len().min(room)]);
            if chunk.ends_with(b"\n") {
                self.finish_line();
            }
        }
    }

    /// The kept lines, the unfinished last one included.
    pub(crate) fn into_lines(mut self) -> Vec<String> {
        if !self.partial.is_empty() {
            self.finish_line();
        }
        self.lines.into()
    }

    fn finish_line(&mut self) {
        let text = String::from_utf8_lossy(&self.partial);
        let text = text.trim_end_matches('\r');
        let mut line: String = text.chars().take(MAX_LINE_CHARS).collect();
        if text.chars().count() > MAX_LINE_CHARS {
            line.push('…');
        }
        self.partial.clear();
        if self.lines.len() == MAX_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_lines() {
        let mut tail = Tail::default();
        for i in 0..100 {
            tail.push(format!("line {i}\n").as_bytes());
        }
        tail.push(b"unfinished");
        let lines = tail.into_lines();
        assert_eq!(lines.len(), MAX_LINES);
        assert_eq!(lines[0], "line 81");
        assert_eq!(lines.last().unwrap(), "unfinished");
    }

    #[test]
    fn lines_split_across_chunks_and_long_lines_are_cut() {
        let mut tail = Tail::default();
        tail.push(b"hel");
        tail.push(b"lo\r\nwor");
        tail.push(&vec![b'x'; 100_000]);
        tail.push(b"\n");
        let lines = tail.into_lines();
        assert_eq!(lines[0], "hello");
        assert_eq!(lines[1].chars().count(), MAX_LINE_CHARS + 1);
        assert!(lines[1].starts_with("worx"));
    }
}
