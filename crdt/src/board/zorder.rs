//! The board's elements ordered by `(z, id)`, kept up to date by the deep observer,
//! so the top and bottom of the paint order are found in O(log n).

use crate::change::BoardChange;

/// Element ids ordered by `(z, id)`.
#[derive(Default)]
pub(super) struct ZOrder {
    z_of: std::collections::HashMap<String, String>,
    pub(super) by_z: std::collections::BTreeSet<(String, String)>,
}

impl ZOrder {
    /// Follows one transaction's change; `z_now(id)` reads an element's current `z`
    /// (`None` if it is gone).
    pub(super) fn apply(&mut self, change: &BoardChange, z_now: impl Fn(&str) -> Option<String>) {
        let touched = change.removed.iter().chain(change.added.iter()).chain(
            change
                .updated
                .iter()
                .filter(|(_, keys)| keys.contains("z"))
                .map(|(id, _)| id),
        );
        for id in touched {
            if let Some(old) = self.z_of.remove(id) {
                self.by_z.remove(&(old, id.clone()));
            }
            if let Some(z) = z_now(id) {
                self.by_z.insert((z.clone(), id.clone()));
                self.z_of.insert(id.clone(), z);
            }
        }
    }
}
