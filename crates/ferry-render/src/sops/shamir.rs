//! Combining Shamir shares of the data key, for files with several key groups
//! (`shamir_threshold`). SOPS splits the key with HashiCorp Vault's scheme: GF(2⁸) with the AES
//! polynomial, each share the y-values of every byte followed by one x-coordinate byte.

use zeroize::Zeroizing;

/// Why shares cannot be combined.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ShamirError {
    TooFew,
    Uneven,
    Duplicate,
}

/// Recovers the secret from shares (Lagrange interpolation at x = 0, byte by byte).
pub(crate) fn combine(shares: &[Zeroizing<Vec<u8>>]) -> Result<Zeroizing<Vec<u8>>, ShamirError> {
    let Some(first) = shares.first() else { return Err(ShamirError::TooFew) };
    if shares.len() < 2 || first.len() < 2 {
        return Err(ShamirError::TooFew);
    }
    if shares.iter().any(|s| s.len() != first.len()) {
        return Err(ShamirError::Uneven);
    }
    let xs: Vec<u8> = shares.iter().map(|s| s[s.len() - 1]).collect();
    if xs.iter().enumerate().any(|(i, x)| xs[..i].contains(x)) {
        return Err(ShamirError::Duplicate);
    }
    let mut secret = Zeroizing::new(vec![0u8; first.len() - 1]);
    for (index, byte) in secret.iter_mut().enumerate() {
        let ys: Zeroizing<Vec<u8>> = Zeroizing::new(shares.iter().map(|s| s[index]).collect());
        *byte = interpolate_at_zero(&xs, &ys);
    }
    Ok(secret)
}

fn interpolate_at_zero(xs: &[u8], ys: &[u8]) -> u8 {
    let mut result = 0u8;
    for (i, (&xi, &yi)) in xs.iter().zip(ys).enumerate() {
        let mut basis = 1u8;
        for (j, &xj) in xs.iter().enumerate() {
            if i != j {
                // In GF(2⁸) subtraction is XOR: (0 - xj) / (xi - xj) = xj / (xi ^ xj).
                basis = mul(basis, div(xj, xi ^ xj));
            }
        }
        result ^= mul(yi, basis);
    }
    result
}

/// Multiplication in GF(2⁸) modulo x⁸ + x⁴ + x³ + x + 1.
fn mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        let carry = a & 0x80 != 0;
        a <<= 1;
        if carry {
            a ^= 0x1b;
        }
        b >>= 1;
    }
    product
}

/// `a / b`; `b` is never zero here because the x-coordinates are distinct.
fn div(a: u8, b: u8) -> u8 {
    // b^254 is b's inverse in GF(2⁸).
    let mut inverse = 1u8;
    for _ in 0..254 {
        inverse = mul(inverse, b);
    }
    mul(a, inverse)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `secret` with the polynomial coefficients given (one per extra degree), for tests.
    fn split(secret: &[u8], coefficients: &[u8], xs: &[u8]) -> Vec<Zeroizing<Vec<u8>>> {
        xs.iter()
            .map(|&x| {
                let mut share: Vec<u8> = secret
                    .iter()
                    .map(|&s| {
                        let mut y = s;
                        let mut power = 1u8;
                        for &c in coefficients {
                            power = mul(power, x);
                            y ^= mul(c, power);
                        }
                        y
                    })
                    .collect();
                share.push(x);
                Zeroizing::new(share)
            })
            .collect()
    }

    #[test]
    fn field_arithmetic_matches_aes() {
        assert_eq!(mul(0x57, 0x83), 0xc1, "FIPS-197 §4.2 example");
        assert_eq!(mul(div(0x57, 0x83), 0x83), 0x57);
    }

    #[test]
    fn any_threshold_of_shares_recovers_the_secret() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let shares = split(secret, &[0x42, 0x99], &[1, 2, 3, 200]);
        let pick = |idx: &[usize]| idx.iter().map(|&i| shares[i].clone()).collect::<Vec<_>>();
        assert_eq!(combine(&pick(&[0, 1, 2])).unwrap().as_slice(), secret);
        assert_eq!(combine(&pick(&[3, 1, 0])).unwrap().as_slice(), secret);
        assert_ne!(combine(&pick(&[0, 1])).unwrap().as_slice(), secret, "below the threshold");
        assert_eq!(combine(&pick(&[0, 0])), Err(ShamirError::Duplicate));
        assert_eq!(combine(&pick(&[0])), Err(ShamirError::TooFew));
    }
}
