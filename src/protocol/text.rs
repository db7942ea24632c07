//! Messages built without `core::fmt`.
//!
//! `format!` and `write!` pull the formatting machinery into the wasm (argument tables, padding,
//! integer formatting, the `dyn Write` vtables), about 3 KB of the package's gzipped core module.
//! Code that the core module reaches (chat, streaming, errors, client options) builds its messages
//! with [`cat!`](crate::cat) instead: the pieces are pushed in order, strings as they are and unsigned
//! integers in decimal. The error types' `Display` impls write the same text, so native callers
//! still format them as usual.
//!
//! ```
//! let limit = 4096usize;
//! let message = llmwire::cat!("a stream event exceeded the ", limit, "-byte limit");
//! assert_eq!(message, "a stream event exceeded the 4096-byte limit");
//! ```

/// Something [`cat!`](crate::cat) can append to a message.
pub trait Piece {
    /// Appends this piece's text to `out`.
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn push_to(&self, out: &mut String) {
        out.push(*self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

macro_rules! unsigned_pieces {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn push_to(&self, out: &mut String) {
                push_uint(out, *self as u64);
            }
        }
    )*};
}
unsigned_pieces!(u8, u16, u32, u64, usize);

/// Appends `n` in decimal.
pub fn push_uint(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut n = n;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// Concatenates [`Piece`]s (strings, chars, unsigned integers, llmwire's error types) into a new `String`.
///
/// ```
/// let (name, got) = ("n", 0u32);
/// assert_eq!(llmwire::cat!(name, " must be at least 1, got ", got), "n must be at least 1, got 0");
/// ```
#[macro_export]
macro_rules! cat {
    ($($piece:expr),+ $(,)?) => {{
        let mut out = ::std::string::String::new();
        $( $crate::protocol::text::Piece::push_to(&$piece, &mut out); )+
        out
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_in_order() {
        let owned = String::from("b");
        assert_eq!(crate::cat!("a", owned, 'c', 0u8, 42u16, u32::MAX, u64::MAX, 7usize), "abc0424294967295184467440737095516157");
    }

    #[test]
    fn uint_digits() {
        for n in [0u64, 9, 10, 99, 100, 1_000_000, u64::MAX] {
            let mut out = String::new();
            push_uint(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }
}
