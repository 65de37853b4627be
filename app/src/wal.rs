//! A write-ahead log in `localStorage` for edits whose IndexedDB write is still under
//! way. localStorage writes are synchronous, so an edit is on disk before the event
//! handler returns, even if the tab is reloaded or closed in the next millisecond;
//! IndexedDB transactions still running at that moment are aborted by the browser.
//! Each entry is removed as soon as its IndexedDB append has committed; whatever is
//! left is applied again on the next load (applying an update twice changes nothing).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn prefix(room: &str) -> String {
    format!("lernraum-wal:{room}:")
}

/// Writes an update; returns its key (`None` if localStorage is unavailable or full).
pub fn write(room: &str, update: &[u8]) -> Option<String> {
    let key = format!(
        "{}{}-{}",
        prefix(room),
        js_sys::Date::now() as u64,
        fastrand::u32(..)
    );
    storage()?.set_item(&key, &STANDARD.encode(update)).ok()?;
    Some(key)
}

pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// Every logged update of a room that still decodes as base64, with its key.
pub fn entries(room: &str) -> Vec<(String, Vec<u8>)> {
    let Some(s) = storage() else {
        return Vec::new();
    };
    let p = prefix(room);
    let n = s.length().unwrap_or(0);
    let keys: Vec<String> = (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(&p))
        .collect();
    keys.into_iter()
        .filter_map(|k| {
            let v = s.get_item(&k).ok().flatten()?;
            match STANDARD.decode(v.as_bytes()) {
                Ok(bytes) => Some((k, bytes)),
                Err(_) => {
                    log::warn!("dropping an unreadable write-ahead entry {k}");
                    remove(&k);
                    None
                }
            }
        })
        .collect()
}
