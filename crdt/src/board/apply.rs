//! Running one `Command` inside a transaction: the only place that writes element
//! maps. Bad input (non-finite numbers, sizes ≤ 0, unknown colours, missing ids) is
//! skipped, never written.

use std::collections::HashSet;

use yrs::types::GetString;
use yrs::{Any, Map, MapPrelim, MapRef, Out, ReadTxn, Text, TextPrelim, TextRef, TransactionMut};

use super::Board;
use crate::command::{Command, Layer, NewElement};
use crate::element::is_valid_color;
use crate::text_splice::splice;
use crate::zindex;

impl Board {
    pub(super) fn apply_in(&self, txn: &mut TransactionMut<'_>, cmd: &Command) {
        match cmd {
            Command::Create(items) => self.create(txn, items),
            Command::SetText { id, text } => {
                if let Some(el) = self.element_map(txn, id) {
                    set_text(txn, &el, text);
                }
            }
            Command::Move { moves } => {
                for (id, x, y) in moves {
                    if let (Some(el), true) =
                        (self.element_map(txn, id), x.is_finite() && y.is_finite())
                    {
                        el.insert(txn, "x", *x);
                        el.insert(txn, "y", *y);
                    }
                }
            }
            Command::Resize { id, x, y, w, h } => {
                let ok = [*x, *y, *w, *h].iter().all(|v| v.is_finite()) && *w > 0.0 && *h > 0.0;
                if let (Some(el), true) = (self.element_map(txn, id), ok) {
                    // Points are relative to the box: they scale with it.
                    let old = (
                        el.get(txn, "w").and_then(|v| crate::element::number(&v)),
                        el.get(txn, "h").and_then(|v| crate::element::number(&v)),
                    );
                    if let (Some(Out::Any(Any::Array(pts))), (Some(ow), Some(oh))) =
                        (el.get(txn, "pts"), old)
                    {
                        if ow > 0.0 && oh > 0.0 {
                            let (sx, sy) = (w / ow, h / oh);
                            let scaled: Vec<Any> = pts
                                .iter()
                                .enumerate()
                                .map(|(i, v)| {
                                    let n = crate::element::any_number(v).unwrap_or(0.0);
                                    Any::from(if i % 2 == 0 { n * sx } else { n * sy })
                                })
                                .collect();
                            el.insert(txn, "pts", Any::from(scaled));
                        }
                    }
                    el.insert(txn, "x", *x);
                    el.insert(txn, "y", *y);
                    el.insert(txn, "w", *w);
                    el.insert(txn, "h", *h);
                }
            }
            Command::Recolor { ids, color } => {
                if is_valid_color(color) {
                    for id in ids {
                        if let Some(el) = self.element_map(txn, id) {
                            el.insert(txn, "color", color.as_str());
                        }
                    }
                }
            }
            Command::Delete { ids } => {
                for id in ids {
                    self.elements.remove(txn, id);
                }
                // Children of a deleted frame stay on the board, out of any frame.
                let gone: HashSet<&str> = ids.iter().map(String::as_str).collect();
                let orphans: Vec<MapRef> = self
                    .elements
                    .iter(txn)
                    .filter_map(|(_, v)| match v {
                        Out::YMap(m) => Some(m),
                        _ => None,
                    })
                    .filter(|m| matches!(m.get(txn, "parent"), Some(Out::Any(Any::String(p))) if gone.contains(p.as_ref())))
                    .collect();
                for m in orphans {
                    m.remove(txn, "parent");
                }
            }
            Command::SetPoints {
                id,
                x,
                y,
                w,
                h,
                pts,
            } => {
                let ok = [*x, *y, *w, *h].iter().all(|v| v.is_finite())
                    && *w > 0.0
                    && *h > 0.0
                    && pts.iter().all(|v| v.is_finite());
                if let (Some(el), true) = (self.element_map(txn, id), ok) {
                    el.insert(txn, "x", *x);
                    el.insert(txn, "y", *y);
                    el.insert(txn, "w", *w);
                    el.insert(txn, "h", *h);
                    let pts: Vec<Any> = pts.iter().map(|v| Any::from(*v)).collect();
                    el.insert(txn, "pts", Any::from(pts));
                }
            }
            Command::Bind { id, from, to } => {
                if let Some(el) = self.element_map(txn, id) {
                    for (key, end) in [("from", from), ("to", to)] {
                        match end {
                            Some(target) if target != id => {
                                el.insert(txn, key, target.as_str());
                            }
                            _ => {
                                el.remove(txn, key);
                            }
                        }
                    }
                }
            }
            Command::SetLocked { ids, locked } => {
                for id in ids {
                    if let Some(el) = self.element_map(txn, id) {
                        if *locked {
                            el.insert(txn, "locked", true);
                        } else {
                            el.remove(txn, "locked");
                        }
                    }
                }
            }
            Command::SetParent { ids, parent } => {
                for id in ids {
                    let Some(el) = self.element_map(txn, id) else {
                        continue;
                    };
                    match parent {
                        Some(p) if p != id => {
                            el.insert(txn, "parent", p.as_str());
                        }
                        _ => {
                            el.remove(txn, "parent");
                        }
                    }
                }
            }
            Command::Reorder { ids, layer } => self.reorder(txn, ids, *layer),
            Command::SetTitle { title } => {
                self.meta.insert(txn, "title", title.as_str());
            }
        }
    }

    fn element_map<T: ReadTxn>(&self, txn: &T, id: &str) -> Option<MapRef> {
        match self.elements.get(txn, id) {
            Some(Out::YMap(m)) => Some(m),
            _ => None,
        }
    }

    /// Lowest and highest `z` on the board.
    fn z_range<T: ReadTxn>(
        &self,
        txn: &T,
        skip: &HashSet<&str>,
    ) -> (Option<String>, Option<String>) {
        let mut order = self.zorder.borrow_mut();
        let by_z = order.ensure(|| {
            self.elements
                .iter(txn)
                .filter_map(|(id, v)| Some((id.to_string(), super::z_of(txn, v)?)))
                .collect()
        });
        let keep = |(z, id): &&(String, String)| !skip.contains(id.as_str()) && !z.is_empty();
        let lo = by_z.iter().find(keep).map(|(z, _)| z.clone());
        let hi = by_z.iter().rev().find(keep).map(|(z, _)| z.clone());
        (lo, hi)
    }

    fn create(&self, txn: &mut TransactionMut<'_>, items: &[NewElement]) {
        let needs_z = items.iter().filter(|n| n.z.is_none()).count();
        let (_, top) = if needs_z > 0 {
            self.z_range(txn, &HashSet::new())
        } else {
            (None, None)
        };
        let mut keys = if needs_z == 1 {
            vec![top
                .as_deref()
                .map(zindex::after)
                .unwrap_or_else(zindex::first)]
        } else {
            zindex::sequence_after(top.as_deref(), needs_z)
        }
        .into_iter();
        for n in items {
            let sane = [n.x, n.y, n.w, n.h].iter().all(|v| v.is_finite()) && n.w > 0.0 && n.h > 0.0;
            if !sane {
                log::warn!("create {}: bad geometry, skipped", n.id);
                continue;
            }
            let z = match &n.z {
                Some(z) => z.clone(),
                None => keys.next().unwrap_or_else(zindex::first),
            };
            let color = if is_valid_color(&n.color) {
                n.color.as_str()
            } else {
                "yellow"
            };
            let el = self
                .elements
                .insert(txn, n.id.as_str(), MapPrelim::default());
            el.insert(txn, "kind", n.kind.as_str());
            el.insert(txn, "x", n.x);
            el.insert(txn, "y", n.y);
            el.insert(txn, "w", n.w);
            el.insert(txn, "h", n.h);
            el.insert(txn, "z", z);
            el.insert(txn, "color", color);
            el.insert(txn, "text", TextPrelim::new(n.text.as_str()));
            if let Some(p) = &n.parent {
                el.insert(txn, "parent", p.as_str());
            }
            for (key, end) in [("from", &n.from), ("to", &n.to)] {
                if let Some(id) = end {
                    el.insert(txn, key, id.as_str());
                }
            }
            if !n.pts.is_empty() {
                let pts: Vec<Any> = n
                    .pts
                    .iter()
                    .filter(|v| v.is_finite())
                    .map(|v| Any::from(*v))
                    .collect();
                el.insert(txn, "pts", Any::from(pts));
            }
        }
    }

    fn reorder(&self, txn: &mut TransactionMut<'_>, ids: &[String], layer: Layer) {
        let moving: HashSet<&str> = ids.iter().map(String::as_str).collect();
        // Keep the moved elements' relative order.
        let mut ordered: Vec<(String, String)> = ids
            .iter()
            .filter_map(|id| Some((super::z_of(txn, self.elements.get(txn, id)?)?, id.clone())))
            .collect();
        crate::order::sort(&mut ordered);
        let (lo, hi) = self.z_range(txn, &moving);
        let keys: Vec<String> = match layer {
            Layer::Front => zindex::sequence_after(hi.as_deref(), ordered.len()),
            Layer::Back => {
                // Descending keys below the current minimum, then in ascending order.
                let mut keys = Vec::new();
                let mut bound = lo.clone();
                for _ in 0..ordered.len() {
                    let k = match bound.as_deref() {
                        Some(b) => zindex::before(b),
                        None => Some(zindex::first()),
                    };
                    match k {
                        Some(k) => {
                            bound = Some(k.clone());
                            keys.push(k);
                        }
                        None => {
                            log::warn!("send to back: no z key fits below {bound:?}");
                            return;
                        }
                    }
                }
                keys.reverse();
                keys
            }
        };
        for ((_, id), z) in ordered.iter().zip(keys) {
            if let Some(m) = self.element_map(txn, id) {
                m.insert(txn, "z", z);
            }
        }
    }
}

fn set_text(txn: &mut TransactionMut<'_>, el: &MapRef, text: &str) {
    let current: Option<TextRef> = match el.get(txn, "text") {
        Some(Out::YText(t)) => Some(t),
        _ => None,
    };
    match current {
        Some(t) => {
            let old = t.get_string(txn);
            if let Some((start, delete, insert)) = splice(&old, text) {
                if delete > 0 {
                    t.remove_range(txn, start, delete);
                }
                if !insert.is_empty() {
                    t.insert(txn, start, &insert);
                }
            }
        }
        None => {
            el.insert(txn, "text", TextPrelim::new(text));
        }
    }
}
