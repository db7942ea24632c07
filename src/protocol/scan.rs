//! Byte scans eight bytes at a time (SWAR), for the hot loops: finding a line end in the SSE
//! decoder, the end of a plain run inside a JSON string, and the next non-ASCII byte of a batch.
//!
//! ```
//! use llmwire::protocol::scan::{find_line_end, find_non_ascii, find_string_special};
//! assert_eq!(find_line_end(b"data: some long line\r\n"), Some(20));
//! assert_eq!(find_string_special(br#"plain text here" and more"#), Some(15));
//! assert_eq!(find_non_ascii("plain, then é".as_bytes()), Some(12));
//! ```

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` equal to `b`; the lowest set bit is exact.
#[inline(always)]
#[cfg_attr(llmwire_oz, optimize(speed))]
fn eq_mask(w: u64, b: u8) -> u64 {
    let x = w ^ (LO * u64::from(b));
    x.wrapping_sub(LO) & !x & HI
}

/// High bit set in each byte of `w` below `n` (`n` ≤ 128); the lowest set bit is exact.
#[inline(always)]
#[cfg_attr(llmwire_oz, optimize(speed))]
fn lt_mask(w: u64, n: u8) -> u64 {
    w.wrapping_sub(LO * u64::from(n)) & !w & HI
}

#[inline(always)]
#[cfg_attr(llmwire_oz, optimize(speed))]
fn scan(bytes: &[u8], mask: impl Fn(u64) -> u64, hit: impl Fn(u8) -> bool) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut words {
        if let Ok(arr) = <[u8; 8]>::try_from(chunk) {
            let m = mask(u64::from_le_bytes(arr));
            if m != 0 {
                return Some(at + (m.trailing_zeros() / 8) as usize);
            }
        }
        at += 8;
    }
    words.remainder().iter().position(|&b| hit(b)).map(|i| at + i)
}

/// The index of the first CR or LF.
#[cfg_attr(llmwire_oz, optimize(speed))]
pub fn find_line_end(bytes: &[u8]) -> Option<usize> {
    scan(bytes, |w| eq_mask(w, b'\n') | eq_mask(w, b'\r'), |b| b == b'\n' || b == b'\r')
}

/// The index of the first `"`, `\` or control character (below 0x20).
#[cfg_attr(llmwire_oz, optimize(speed))]
pub fn find_string_special(bytes: &[u8]) -> Option<usize> {
    scan(bytes, |w| eq_mask(w, b'"') | eq_mask(w, b'\\') | lt_mask(w, 0x20), |b| b == b'"' || b == b'\\' || b < 0x20)
}

/// The index of the first byte that is not ASCII (0x80 or above).
#[cfg_attr(llmwire_oz, optimize(speed))]
pub fn find_non_ascii(bytes: &[u8]) -> Option<usize> {
    scan(bytes, |w| w & HI, |b| b >= 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_a_plain_search_everywhere() {
        let alphabet = [b'a', b'\n', b'\r', b'"', b'\\', 0x1f, 0x20, 0x7f, 0x80, 0xff, b'0', 0x0a ^ 0x80];
        let mut seed: u64 = 7;
        for len in 0..40 {
            for _ in 0..200 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // Mostly plain bytes, so hits land at every offset.
                        if seed % 5 == 0 {
                            alphabet[(seed >> 8) as usize % alphabet.len()]
                        } else {
                            b'x'
                        }
                    })
                    .collect();
                let eol = bytes.iter().position(|&b| b == b'\n' || b == b'\r');
                let special = bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
                let non_ascii = bytes.iter().position(|&b| b >= 0x80);
                assert_eq!(find_line_end(&bytes), eol, "{bytes:?}");
                assert_eq!(find_string_special(&bytes), special, "{bytes:?}");
                assert_eq!(find_non_ascii(&bytes), non_ascii, "{bytes:?}");
            }
        }
    }
}
