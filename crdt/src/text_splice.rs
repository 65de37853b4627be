//! Minimal text splices in UTF-16 code units (the offsets JavaScript Yjs uses).

/// The single splice that turns `old` into `new`: `(start, delete_len, insert)`,
/// with `start` and `delete_len` in UTF-16 code units. `None` when they are equal.
/// The common prefix and suffix never split a surrogate pair, because they are
/// computed over `char`s.
pub fn splice(old: &str, new: &str) -> Option<(u32, u32, String)> {
    if old == new {
        return None;
    }
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    let utf16 = |cs: &[char]| cs.iter().map(|c| c.len_utf16() as u32).sum::<u32>();
    let start = utf16(&a[..prefix]);
    let delete = utf16(&a[prefix..a.len() - suffix]);
    let insert: String = b[prefix..b.len() - suffix].iter().collect();
    Some((start, delete, insert))
}

#[cfg(test)]
mod tests {
    use super::splice;

    #[test]
    fn splices_count_utf16_units() {
        assert_eq!(splice("abc", "abc"), None);
        assert_eq!(splice("abc", "abXc"), Some((2, 0, "X".into())));
        assert_eq!(splice("a😀c", "a😀dc"), Some((3, 0, "d".into())));
        assert_eq!(splice("a😀c", "ac"), Some((1, 2, String::new())));
        assert_eq!(splice("", "Grüße"), Some((0, 0, "Grüße".into())));
        assert_eq!(splice("aaa", "aa"), Some((2, 1, String::new())));
    }
}
