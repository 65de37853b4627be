//! The board's elements ordered by `(z, id)`, kept up to date by the deep observer,
//! so the top and bottom of the paint order are found in O(log n).
//!
//! A change of many elements at once (a board loaded or received from a peer) does not
//! update the order element by element: it is dropped and read again, sorted once, when
//! the next command needs it. A newcomer receiving a large board never pays for it.

use crate::change::BoardChange;

/// Above this many elements in one change, the order is read again when next needed.
const REBUILD_ABOVE: usize = 64;

/// Element ids ordered by `(z, id)`.
#[derive(Default)]
pub(super) struct ZOrder {
    z_of: std::collections::HashMap<String, String>,
    by_z: std::collections::BTreeSet<(String, String)>,
    /// The order is out of date and must be read from the board (`ensure`).
    stale: bool,
}

impl ZOrder {
    /// Follows one transaction's change; `z_now(id)` reads an element's current `z`
    /// (`None` if it is gone).
    pub(super) fn apply(&mut self, change: &BoardChange, z_now: impl Fn(&str) -> Option<String>) {
        if self.stale {
            return;
        }
        let touched = || {
            change.removed.iter().chain(change.added.iter()).chain(
                change
                    .updated
                    .iter()
                    .filter(|(_, keys)| keys.contains("z"))
                    .map(|(id, _)| id),
            )
        };
        if touched().nth(REBUILD_ABOVE).is_some() {
            self.z_of = Default::default();
            self.by_z = Default::default();
            self.stale = true;
            return;
        }
        for id in touched() {
            if let Some(old) = self.z_of.remove(id) {
                self.by_z.remove(&(old, id.clone()));
            }
            if let Some(z) = z_now(id) {
                self.by_z.insert((z.clone(), id.clone()));
                self.z_of.insert(id.clone(), z);
            }
        }
    }

    /// The order, read from `all` (every element's id and `z`) first if it is stale.
    pub(super) fn ensure(
        &mut self,
        all: impl FnOnce() -> Vec<(String, String)>,
    ) -> &std::collections::BTreeSet<(String, String)> {
        if self.stale {
            let pairs = all();
            self.z_of = pairs
                .iter()
                .map(|(id, z)| (id.clone(), z.clone()))
                .collect();
            self.by_z = pairs.into_iter().map(|(id, z)| (z, id)).collect();
            self.stale = false;
        }
        &self.by_z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn added(ids: impl IntoIterator<Item = String>) -> BoardChange {
        BoardChange {
            added: ids.into_iter().collect(),
            ..Default::default()
        }
    }

    #[test]
    fn a_large_change_is_read_again_when_next_needed_and_small_ones_follow() {
        let z = |id: &str| Some(format!("z{id}"));
        let mut order = ZOrder::default();
        order.apply(&added(["b".to_string()]), z);
        assert_eq!(order.ensure(|| panic!("not stale")).len(), 1);
        let many: Vec<String> = (0..100).map(|i| format!("{i:03}")).collect();
        order.apply(&added(many.clone()), z);
        // While stale, small changes are not followed one by one either.
        order.apply(&added(["c".to_string()]), z);
        let all = || {
            many.iter()
                .chain(["b".to_string(), "c".to_string()].iter())
                .map(|id| (id.clone(), format!("z{id}")))
                .collect()
        };
        let by_z = order.ensure(all);
        assert_eq!(by_z.len(), 102);
        assert_eq!(by_z.iter().next_back().unwrap().1, "c");
        // Fresh again: a small change is followed.
        order.apply(
            &BoardChange {
                removed: ["c".to_string()].into_iter().collect(),
                ..Default::default()
            },
            |_| None,
        );
        assert_eq!(order.ensure(|| panic!("not stale")).len(), 101);
    }
}
