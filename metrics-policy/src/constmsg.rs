//! Messages built in const evaluation. R9 and R12 on a named bucket constant can only be
//! checked where the compiler knows the label cardinalities and the bucket values, which is
//! const evaluation of the generated code; a const `panic!` can print a `&str` but cannot
//! format, so the message is written into a fixed buffer by these const fns.

/// A message of at most [`ConstMessage::CAPACITY`] bytes, built in const evaluation. A part
/// that does not fit is cut at a character boundary and the message ends with `…`.
#[derive(Debug, Clone, Copy)]
pub struct ConstMessage {
    buf: [u8; ConstMessage::CAPACITY],
    len: usize,
}

impl Default for ConstMessage {
    fn default() -> Self {
        Self::new()
    }
}

impl ConstMessage {
    /// The most bytes a message holds.
    pub const CAPACITY: usize = 2048;

    /// The empty message.
    pub const fn new() -> Self {
        ConstMessage {
            buf: [0; Self::CAPACITY],
            len: 0,
        }
    }

    /// Whether nothing was written.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The message.
    pub const fn as_str(&self) -> &str {
        let bytes: &[u8] = &self.buf;
        match core::str::from_utf8(bytes.split_at(self.len).0) {
            Ok(s) => s,
            Err(_) => "",
        }
    }

    /// `s` appended.
    pub const fn str(mut self, s: &str) -> Self {
        const ELLIPSIS: &[u8] = "…".as_bytes();
        let bytes = s.as_bytes();
        let room = Self::CAPACITY - ELLIPSIS.len();
        let mut i = 0;
        while i < bytes.len() {
            if self.len >= room {
                // Cut before the first byte of a character, and mark the cut once.
                while self.len > 0 && (self.buf[self.len - 1] & 0xC0) == 0x80 {
                    self.len -= 1;
                }
                if self.len > 0 && self.buf[self.len - 1] >= 0xC0 {
                    self.len -= 1;
                }
                let mut j = 0;
                while j < ELLIPSIS.len() && self.len < Self::CAPACITY {
                    self.buf[self.len] = ELLIPSIS[j];
                    self.len += 1;
                    j += 1;
                }
                return self;
            }
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }

    /// `n` appended in decimal.
    pub const fn usize(self, n: usize) -> Self {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.ascii(&digits, i, digits.len())
    }

    /// `v` appended as Rust's `{:?}` writes most values: `0.005`, `1.0`, `-2.5`, `1e-9`,
    /// `inf`, `NaN` (twelve significant digits at most).
    pub const fn f64(self, v: f64) -> Self {
        if v.is_nan() {
            return self.str("NaN");
        }
        let mut out = self;
        let mut v = v;
        if v < 0.0 {
            out = out.str("-");
            v = -v;
        }
        if v.is_infinite() {
            return out.str("inf");
        }
        if v == 0.0 {
            return out.str("0.0");
        }
        // v = m * 10^e with 1 <= m < 10, then twelve significant digits of m.
        let mut e: i32 = 0;
        let mut m = v;
        while m >= 10.0 {
            m /= 10.0;
            e += 1;
        }
        while m < 1.0 {
            m *= 10.0;
            e -= 1;
        }
        let mut n = (m * 1e11 + 0.5) as u64;
        if n >= 1_000_000_000_000 {
            n /= 10;
            e += 1;
        }
        let mut digits = [0u8; 12];
        let mut i = 12;
        while i > 0 {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let mut k = 12;
        while k > 1 && digits[k - 1] == b'0' {
            k -= 1;
        }
        if e < -5 || e >= 16 {
            out = out.ascii(&digits, 0, 1);
            if k > 1 {
                out = out.str(".").ascii(&digits, 1, k);
            }
            out = out.str("e");
            if e < 0 {
                out = out.str("-");
            }
            return out.usize(e.unsigned_abs() as usize);
        }
        if e < 0 {
            out = out.str("0.");
            let mut z = -e - 1;
            while z > 0 {
                out = out.str("0");
                z -= 1;
            }
            return out.ascii(&digits, 0, k);
        }
        let int_digits = e as usize + 1;
        if k <= int_digits {
            out = out.ascii(&digits, 0, k);
            let mut z = int_digits - k;
            while z > 0 {
                out = out.str("0");
                z -= 1;
            }
            out.str(".0")
        } else {
            out.ascii(&digits, 0, int_digits)
                .str(".")
                .ascii(&digits, int_digits, k)
        }
    }

    /// ASCII digits `bytes[from..to]` appended.
    const fn ascii(mut self, bytes: &[u8], from: usize, to: usize) -> Self {
        let mut i = from;
        while i < to && self.len < Self::CAPACITY {
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_rust_writes_them() {
        for (v, s) in [
            (0.005, "0.005"),
            (1.0, "1.0"),
            (-2.5, "-2.5"),
            (1e-9, "1e-9"),
            (100.0, "100.0"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (2.5e20, "2.5e20"),
            (f64::INFINITY, "inf"),
            (0.0, "0.0"),
        ] {
            assert_eq!(ConstMessage::new().f64(v).as_str(), s, "{v:?}");
        }
        assert_eq!(
            ConstMessage::new().usize(0).str(" ").usize(1331).as_str(),
            "0 1331"
        );
    }

    #[test]
    fn a_long_message_is_cut_at_a_character() {
        let long = "é".repeat(ConstMessage::CAPACITY);
        let m = ConstMessage::new().str("x").str(&long);
        assert!(m.as_str().ends_with('…'));
        assert!(m.as_str().len() <= ConstMessage::CAPACITY);
    }
}
