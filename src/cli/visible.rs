//! A stdout that shows control characters instead of sending them to the
//! terminal. Notes, sources, titles and names come from users, roadmap files
//! and other people's event logs; printed raw, "x\e]0;PWNED\a" would retitle
//! the terminal and "\e[2J" clear it. Every command's output passes through
//! this writer except the coloured status screen, whose renderer makes the
//! same substitution on the text it prints (`report::visible`).

use std::io::{self, Write};

/// Writes through to `inner`, replacing C0 controls other than newline and
/// tab with their Unicode control pictures (ESC → ␛), DEL with ␡, and C1
/// controls (U+0080–U+009F, two bytes in UTF-8) with `\u{9b}`-style escapes.
pub struct Visible<W: Write> {
    inner: W,
    /// The previous write ended in 0xC2, the first byte of a C1 control
    /// or of an ordinary character.
    pending_c2: bool,
}

impl<W: Write> Visible<W> {
    pub fn new(inner: W) -> Visible<W> {
        Visible {
            inner,
            pending_c2: false,
        }
    }
}

fn picture(b: u8) -> [u8; 3] {
    let mut buf = [0u8; 3];
    let c = if b == 0x7f {
        '␡'
    } else {
        char::from_u32(0x2400 + u32::from(b)).unwrap_or('?')
    };
    c.encode_utf8(&mut buf);
    buf
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Most writes (a JSON token, a line of a table) have nothing to
        // replace: through as they are, without a copy.
        let plain = |b: &u8| matches!(*b, b'\n' | b'\t' | 0x20..=0x7e | 0x80..=0xc1 | 0xc3..);
        if !self.pending_c2 && buf.iter().all(plain) {
            self.inner.write_all(buf)?;
            return Ok(buf.len());
        }
        let mut out = Vec::with_capacity(buf.len());
        for &b in buf {
            if self.pending_c2 {
                self.pending_c2 = false;
                if (0x80..=0x9f).contains(&b) {
                    out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes());
                    continue;
                }
                out.push(0xc2);
            }
            match b {
                0xc2 => self.pending_c2 = true,
                b'\n' | b'\t' => out.push(b),
                0x00..=0x1f | 0x7f => out.extend_from_slice(&picture(b)),
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending_c2 {
            self.pending_c2 = false;
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(bytes: &[u8], split: usize) -> String {
        let mut v = Visible::new(Vec::new());
        v.write_all(&bytes[..split]).unwrap();
        v.write_all(&bytes[split..]).unwrap();
        v.flush().unwrap();
        String::from_utf8(v.inner).unwrap()
    }

    #[test]
    fn controls_are_shown_and_text_is_kept() {
        let text = "a\u{1b}]0;PWNED\u{7}b\r\nc\td é\u{9b}2J ü\u{7f}";
        for split in 0..text.len() {
            if !text.is_char_boundary(split) && text.as_bytes()[split - 1] != 0xc2 {
                continue;
            }
            assert_eq!(
                through(text.as_bytes(), split),
                "a␛]0;PWNED␇b␍\nc\td é\\u{9b}2J ü␡",
                "split at {split}"
            );
        }
    }
}
