//! Sorting with one compiled sort, for the download's sake.
//!
//! Every `sort_by` with a closure of its own is a separate copy of the standard library's
//! stable sort in the wasm build: about 4 KB each, and 23 copies were 7 % of the app's
//! code. Sorts that are not hot go through [`sort_by`] instead: it sorts indices with one
//! comparator behind `dyn`, which is compiled once, then moves the items into place.
//! It is stable, like `slice::sort_by`.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably (as `v.sort_by(cmp)`).
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    let mut idx: Vec<u32> = (0..v.len() as u32).collect();
    sort_indices(&mut idx, &|a, b| cmp(&v[a], &v[b]));
    permute(v, &mut idx);
}

/// Sorts `v` in ascending order, stably (as `v.sort()`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The one copy of the sort.
#[inline(never)]
fn sort_indices(idx: &mut [u32], cmp: &dyn Fn(usize, usize) -> Ordering) {
    idx.sort_by(|&a, &b| cmp(a as usize, b as usize));
}

/// Puts `v[idx[i]]` at `i` for every `i`, following each cycle of the permutation with
/// swaps. `idx` is used up.
fn permute<T>(v: &mut [T], idx: &mut [u32]) {
    for start in 0..v.len() {
        if idx[start] == u32::MAX {
            continue;
        }
        let mut at = start;
        loop {
            let from = idx[at] as usize;
            idx[at] = u32::MAX;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_sort_and_keeps_ties_in_order() {
        let mut rng = fastrand::Rng::with_seed(5);
        for n in [0, 1, 2, 3, 10, 100, 1000] {
            let v: Vec<(u8, u32)> = (0..n).map(|i| (rng.u8(..8), i)).collect();
            let mut a = v.clone();
            let mut b = v.clone();
            sort_by(&mut a, |x, y| x.0.cmp(&y.0));
            b.sort_by_key(|x| x.0);
            assert_eq!(a, b, "n = {n}");
            let mut c = v.clone();
            let mut d = v;
            sort(&mut c);
            d.sort();
            assert_eq!(c, d);
        }
        let mut s = vec!["b".to_string(), "a".into(), "c".into()];
        sort(&mut s);
        assert_eq!(s, ["a", "b", "c"]);
    }
}
