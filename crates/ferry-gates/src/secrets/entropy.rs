//! Shannon entropy of a candidate secret, computed as gitleaks computes it.

use std::collections::HashMap;

/// Shannon entropy in bits per symbol: symbols are characters, the length is in bytes
/// (gitleaks divides by `len(string)`), so non-ASCII text scores as gitleaks scores it.
pub fn shannon_entropy(data: &str) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts: HashMap<char, usize> = HashMap::new();
    for c in data.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let inv_len = 1.0 / data.len() as f64;
    counts.values().map(|&n| n as f64 * inv_len).map(|f| -f * f.log2()).sum()
}

#[cfg(test)]
mod tests {
    use super::shannon_entropy;

    #[test]
    fn entropy_of_known_strings() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert!(shannon_entropy("q8Zr2LwX0pT4vN7m") > 3.5);
    }
}
