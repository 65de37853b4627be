//! Fractional z-order keys: paint order is ascending `(z, id)`, compared as bytes
//! (SCHEMA.md). New keys are generated between existing keys, so concurrent reorders
//! never rewrite anybody else's key.
//!
//! The format is the one of the `fractional-indexing` scheme that Excalidraw and
//! tldraw use (base-62 digits `0-9A-Za-z`): an integer part whose head letter `a`..`z`
//! gives its length (`a0`, `a1` … `az`, `b00` …), then an optional fraction. "On top"
//! keys increment the integer part, so they stay short; keys between two others
//! bisect the fraction. Keys written by other clients may be any string: every
//! function here accepts them and never panics; where no key fits it returns `None`
//! and callers fall back to a key above everything.

const DIGITS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn digit(c: u8) -> Option<usize> {
    DIGITS.iter().position(|&d| d == c)
}

/// The key for the first element of an empty board.
pub fn first() -> String {
    "a0".to_string()
}

/// A key strictly between `lo` and `hi` (either may be absent = unbounded), or `None`
/// if `lo >= hi` or the keys are not in the base-62 alphabet.
pub fn between(lo: Option<&str>, hi: Option<&str>) -> Option<String> {
    let a = lo.unwrap_or("").as_bytes();
    if let Some(h) = hi {
        if a >= h.as_bytes() {
            return None;
        }
    }
    if lo.is_some() && hi.is_none() {
        return Some(after(lo?));
    }
    let out = midpoint(a, hi.map(str::as_bytes))?;
    String::from_utf8(out).ok()
}

/// A key after `lo` (on top of everything when `lo` is the current maximum).
pub fn after(lo: &str) -> String {
    if let Some(k) = increment_integer(lo.as_bytes()) {
        return k;
    }
    midpoint(lo.as_bytes(), None)
        .and_then(|v| String::from_utf8(v).ok())
        .unwrap_or_else(|| format!("{lo}V"))
}

/// A key before `hi`; `None` only for foreign keys that leave no room.
pub fn before(hi: &str) -> Option<String> {
    between(None, Some(hi))
}

/// `n` ascending keys above `lo` (from the start when `lo` is `None`).
pub fn sequence_after(lo: Option<&str>, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(n);
    for i in 0..n {
        let next = match (i, lo) {
            (0, None) => first(),
            (0, Some(lo)) => after(lo),
            _ => after(&out[i - 1]),
        };
        out.push(next);
    }
    out
}

/// Length of the integer part for a head letter (`a` → 2: `a` plus one digit).
fn integer_len(head: u8) -> Option<usize> {
    head.is_ascii_lowercase()
        .then(|| (head - b'a') as usize + 2)
}

/// The next integer key above `key`'s integer part (`a5` → `a6`, `az` → `b00`).
fn increment_integer(key: &[u8]) -> Option<String> {
    let len = integer_len(*key.first()?)?;
    let int = key.get(..len)?;
    let mut digits: Vec<usize> = int[1..].iter().map(|&c| digit(c)).collect::<Option<_>>()?;
    let mut i = digits.len();
    loop {
        if i == 0 {
            // Carry out of every digit: a longer integer part.
            let head = int[0] + 1;
            integer_len(head)?;
            let mut k = vec![head];
            k.extend(std::iter::repeat_n(b'0', digits.len() + 1));
            return String::from_utf8(k).ok();
        }
        i -= 1;
        if digits[i] + 1 < DIGITS.len() {
            digits[i] += 1;
            break;
        }
        digits[i] = 0;
    }
    let mut k = vec![int[0]];
    k.extend(digits.iter().map(|&d| DIGITS[d]));
    String::from_utf8(k).ok()
}

/// A digit string strictly between `a` and `b` (`b` = `None`: no upper bound), where
/// `a` is read as if padded with `0`s. The result never ends in `0`.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> Option<Vec<u8>> {
    if let Some(b) = b {
        let mut n = 0;
        while n < b.len() && a.get(n).copied().unwrap_or(b'0') == b[n] {
            n += 1;
        }
        if n == b.len() {
            return None; // b is a (zero-padded) prefix of a: nothing fits
        }
        if n > 0 {
            let mut out = b[..n].to_vec();
            out.extend(midpoint(a.get(n..).unwrap_or(&[]), Some(&b[n..]))?);
            return Some(out);
        }
    }
    let da = match a.first() {
        Some(&c) => digit(c)?,
        None => 0,
    };
    let db = match b {
        Some(b) => digit(*b.first()?)?,
        None => DIGITS.len(),
    };
    if db <= da {
        return None;
    }
    if db - da > 1 {
        return Some(vec![DIGITS[(da + db).div_ceil(2)]]);
    }
    // Adjacent digits.
    if let Some(b) = b {
        if b.len() > 1 {
            return Some(vec![b[0]]);
        }
    }
    let mut out = vec![DIGITS[da]];
    out.extend(midpoint(a.get(1..).unwrap_or(&[]), None)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_between_their_bounds() {
        let a = first();
        let b = after(&a);
        let c = between(Some(&a), Some(&b)).unwrap();
        assert!(a < c && c < b, "{a} < {c} < {b}");
        let d = before(&a).unwrap();
        assert!(d < a);
    }

    #[test]
    fn many_inserts_at_the_same_place_stay_ordered() {
        let lo = first();
        let mut hi = after(&lo);
        for _ in 0..200 {
            let k = between(Some(&lo), Some(&hi)).unwrap();
            assert!(lo < k && k < hi);
            hi = k;
        }
        let mut top = first();
        for _ in 0..500 {
            let k = after(&top);
            assert!(k > top);
            top = k;
        }
        let mut bottom = first();
        for _ in 0..200 {
            let k = before(&bottom).unwrap();
            assert!(k < bottom, "{k} < {bottom}");
            bottom = k;
        }
    }

    #[test]
    fn foreign_keys_are_accepted() {
        // Keys from the SCHEMA.md example and odd ones another client might write.
        for (lo, hi) in [
            ("a0", "a1"),
            ("a0", "a00"),
            ("", "!"),
            ("zzz", "~~~~"),
            ("a0", "a0V"),
        ] {
            if let Some(k) = between(Some(lo), Some(hi)) {
                assert!(lo < k.as_str() && k.as_str() < hi, "{lo} < {k} < {hi}");
            }
        }
        assert_eq!(between(Some("b"), Some("a")), None);
        assert_eq!(between(Some("a"), Some("a")), None);
        assert!(after("~~~").as_str() > "~~~");
    }

    #[test]
    fn sequence_is_ascending_short_and_above_its_bound() {
        for n in [1, 50, 130, 10_000] {
            let s = sequence_after(Some("a0V"), n);
            assert!(s.iter().all(|k| k.len() <= 4), "{}", s[n - 1]);
            assert_eq!(s.len(), n);
            assert!(s.windows(2).all(|w| w[0] < w[1]));
            assert!(s[0].as_str() > "a0V");
            assert!(s.iter().all(|k| k.len() <= 6), "{}", s[n - 1]);
        }
    }

    #[test]
    fn a_thousand_inserts_on_top_keep_keys_short() {
        let mut top = first();
        for _ in 0..1000 {
            top = after(&top);
        }
        assert!(top.len() <= 3, "{} bytes: {top}", top.len());
    }
}
