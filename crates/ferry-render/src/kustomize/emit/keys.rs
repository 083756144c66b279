//! Mapping keys in go-yaml v2's order (`sorter.go` `keyList.Less`), which kustomize's output
//! follows: strings are compared rune by rune; at the first difference two letters compare by
//! code point, a non-letter sorts before a letter, and two non-letters compare the runs of
//! digits starting there as numbers (`a9` < `a10`; on a tie the shorter run first: `a1` <
//! `a01`), then by code point. The comparison is not transitive for keys mixing letters and
//! digit runs (`x9y`, `x10y`, `x99`); for those kustomize's own order varies between runs.

use serde_json::{Map, Value};

use super::gosort;

/// A character as the comparison sees it (ASCII keys compare as bytes without decoding).
trait Rune: Copy + Eq + Ord {
    fn is_letter(self) -> bool;
    fn is_digit(self) -> bool;
    fn code(self) -> i64;
}

impl Rune for u8 {
    fn is_letter(self) -> bool {
        self.is_ascii_alphabetic()
    }
    fn is_digit(self) -> bool {
        self.is_ascii_digit()
    }
    fn code(self) -> i64 {
        i64::from(self)
    }
}

impl Rune for char {
    /// Go's `unicode.IsLetter` (category L); `is_alphabetic` also admits a few marks and
    /// letter-numbers, a difference only for exotic keys.
    fn is_letter(self) -> bool {
        self.is_alphabetic()
    }
    /// Go's `unicode.IsDigit` (category Nd), approximated by `is_numeric` outside ASCII.
    fn is_digit(self) -> bool {
        self.is_ascii_digit() || (!self.is_ascii() && self.is_numeric())
    }
    fn code(self) -> i64 {
        i64::from(u32::from(self))
    }
}

/// go-yaml v2's `keyList.Less` for two string keys.
fn less<R: Rune>(a: &[R], b: &[R]) -> bool {
    for i in 0..a.len().min(b.len()) {
        let (ac, bc) = (a[i], b[i]);
        if ac == bc {
            continue;
        }
        let (al, bl) = (ac.is_letter(), bc.is_letter());
        if al && bl {
            return ac < bc;
        }
        if al || bl {
            return bl;
        }
        return digits_less(a, b, i);
    }
    a.len() < b.len()
}

/// The non-letter branch: numeric value of the digit runs at `i` (Go's int64 arithmetic,
/// wrapping), then run length, then code point.
fn digits_less<R: Rune>(a: &[R], b: &[R], i: usize) -> bool {
    let zero = |r: R| r.code() == i64::from(b'0');
    let (mut an, mut bn) = (0i64, 0i64);
    if zero(a[i]) || zero(b[i]) {
        // A zero inside a number that already has a non-zero digit counts as a digit.
        if a[..i].iter().rev().take_while(|r| r.is_digit()).any(|r| !zero(*r)) {
            an = 1;
            bn = 1;
        }
    }
    let run = |s: &[R], n: &mut i64| {
        let mut end = i;
        while end < s.len() && s[end].is_digit() {
            *n = n.wrapping_mul(10).wrapping_add(s[end].code() - i64::from(b'0'));
            end += 1;
        }
        end
    };
    let (ai, bi) = (run(a, &mut an), run(b, &mut bn));
    if an != bn {
        return an < bn;
    }
    if ai != bi {
        return ai < bi;
    }
    a[i] < b[i]
}

/// The entries of `map` in go-yaml v2's order (sorted by Go's algorithm, since the comparison
/// is not transitive).
pub(super) fn sorted(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    if entries.iter().all(|(k, _)| k.is_ascii()) {
        gosort::sort(&mut entries, &|x, y| less(x.0.as_bytes(), y.0.as_bytes()));
    } else {
        let mut decoded: Vec<(Vec<char>, (&String, &Value))> =
            entries.into_iter().map(|e| (e.0.chars().collect(), e)).collect();
        gosort::sort(&mut decoded, &|x, y| less(&x.0, &y.0));
        entries = decoded.into_iter().map(|(_, e)| e).collect();
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(keys: &[&str]) -> Vec<String> {
        let map: Map<String, Value> = keys.iter().map(|k| ((*k).to_owned(), Value::Null)).collect();
        sorted(&map).into_iter().map(|(k, _)| k.clone()).collect()
    }

    #[test]
    fn go_yaml_v2_key_order() {
        // The order `kubectl kustomize` printed for these keys.
        let want = [
            "_a",
            "~a",
            "1",
            "9",
            "10",
            "A",
            "Z",
            "a",
            "a 1",
            "a-b",
            "a.b",
            "a~",
            "a0",
            "a00",
            "a9",
            "a09",
            "a009",
            "a10",
            "ab",
            "x010",
            "x0010",
            "x100",
            "x999999999999999999999",
            "x1000000000000000000000",
            "z",
            "é",
        ];
        let mut shuffled = want.to_vec();
        shuffled.reverse();
        shuffled.swap(3, 17);
        assert_eq!(order(&shuffled), want);
    }

    /// `x9y` < `x10y` < `x99` < `x9y`: go-yaml's comparison has cycles, and kustomize's output
    /// for such keys changes from run to run (Go map order). Any order is what kustomize might
    /// print; sorting must just finish.
    #[test]
    fn cyclic_keys_still_sort() {
        let keys = ["x9y", "x10y", "x99", "x100", "x010"];
        let mut got = order(&keys);
        got.sort();
        let mut want: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn kubernetes_field_order() {
        assert_eq!(
            order(&["spec", "metadata", "kind", "apiVersion", "data"]),
            ["apiVersion", "data", "kind", "metadata", "spec"]
        );
    }
}
