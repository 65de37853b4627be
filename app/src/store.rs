//! Boards kept in the browser (IndexedDB), keyed by room. A board is a snapshot (Yjs
//! update v1) plus the small updates appended after it, one per burst of edits, so an
//! edit is stored the moment it is made (as y-indexeddb does); loading compacts them
//! into a new snapshot. Also the list of known boards for the home view, and a
//! quarantine for stored bytes that could not be read (kept, never deleted silently).
//!
//! Everything read back is untrusted: wrong shapes are skipped, never unwrapped.

use js_sys::{Object, Reflect, Uint8Array};
use rexie::{Index, KeyRange, ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};

const DB: &str = "lernraum";
const DOCS: &str = "docs";
const UPDATES: &str = "updates";
const BOARDS: &str = "boards";
const QUARANTINE: &str = "quarantine";
/// Private-mode drafts, keyed by room: the drafts board as one Yjs update (v1).
const DRAFTS: &str = "drafts";
/// Stored documents above this size are not loaded (they stay stored).
pub const MAX_DOC_BYTES: u32 = 256 * 1024 * 1024;

/// One entry of the home view.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownBoard {
    pub room: String,
    /// The fragment that opens it (with the moderator secret where this browser has it).
    pub fragment: String,
    pub title: String,
    /// Milliseconds since the epoch of the last change.
    pub updated: f64,
}

pub struct Store {
    db: Rexie,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Store {
    pub async fn open() -> Result<Store, String> {
        let db = Rexie::builder(DB)
            // Version 2 added the drafts store; the upgrade keeps the other stores.
            .version(2)
            .add_object_store(ObjectStore::new(DOCS))
            .add_object_store(
                ObjectStore::new(UPDATES)
                    .auto_increment(true)
                    .add_index(Index::new("room", "room")),
            )
            .add_object_store(ObjectStore::new(BOARDS))
            .add_object_store(ObjectStore::new(QUARANTINE).auto_increment(true))
            .add_object_store(ObjectStore::new(DRAFTS))
            .build()
            .await
            .map_err(err)?;
        Ok(Store { db })
    }

    /// The stored snapshot and the updates appended after it, in order.
    /// The stored values of a room, as they are: the snapshot, then the updates
    /// appended after it, in order. `as_bytes` turns each into bytes, or says why not.
    pub async fn load_raw(&self, room: &str) -> Result<Vec<JsValue>, String> {
        let tx = self
            .db
            .transaction(&[DOCS, UPDATES], TransactionMode::ReadOnly)
            .map_err(err)?;
        let key = JsValue::from_str(room);
        let mut out = Vec::new();
        if let Some(v) = tx
            .store(DOCS)
            .map_err(err)?
            .get(key.clone())
            .await
            .map_err(err)?
        {
            out.push(v);
        }
        let range = KeyRange::only(&key).map_err(err)?;
        let index = tx.store(UPDATES).map_err(err)?.index("room").map_err(err)?;
        for v in index.get_all(Some(range), None).await.map_err(err)? {
            out.push(Reflect::get(&v, &JsValue::from_str("bytes")).unwrap_or(JsValue::UNDEFINED));
        }
        Ok(out)
    }

    /// Appends updates (and refreshes the home-view entry) in one transaction.
    pub async fn append(&self, board: &KnownBoard, updates: &[Vec<u8>]) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[UPDATES, BOARDS], TransactionMode::ReadWrite)
            .map_err(err)?;
        let (store, boards) = (
            tx.store(UPDATES).map_err(err)?,
            tx.store(BOARDS).map_err(err)?,
        );
        let entries: Vec<JsValue> = updates
            .iter()
            .map(|update| {
                let entry = Object::new();
                set(&entry, "room", &JsValue::from_str(&board.room));
                set(&entry, "bytes", &Uint8Array::from(update.as_slice()).into());
                entry.into()
            })
            .collect();
        let (key, listing) = (JsValue::from_str(&board.room), board_to_js(board));
        // Every request is issued in this task and the transaction is committed at
        // once, so the write is under way before a reload or closed tab can stop it.
        let adds = futures::future::join_all(entries.iter().map(|e| store.add(e, None)));
        let (added, listed) = futures::future::join(adds, boards.put(&listing, Some(&key))).await;
        for a in added {
            a.map_err(err)?;
        }
        listed.map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(())
    }

    /// Replaces a room's snapshot and appended updates by one snapshot.
    pub async fn compact(&self, board: &KnownBoard, snapshot: &[u8]) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[DOCS, UPDATES, BOARDS], TransactionMode::ReadWrite)
            .map_err(err)?;
        let key = JsValue::from_str(&board.room);
        delete_updates(&tx.store(UPDATES).map_err(err)?, &key).await?;
        let docs = tx.store(DOCS).map_err(err)?;
        docs.put(&Uint8Array::from(snapshot).into(), Some(&key))
            .await
            .map_err(err)?;
        tx.store(BOARDS)
            .map_err(err)?
            .put(&board_to_js(board), Some(&key))
            .await
            .map_err(err)?;
        tx.done().await.map_err(err)?;
        Ok(())
    }

    /// Keeps unreadable stored bytes aside (with the room and the reason), then frees
    /// the room's slot so the board can start again next to them.
    pub async fn quarantine(
        &self,
        room: &str,
        parts: &[JsValue],
        reason: &str,
    ) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[DOCS, UPDATES, QUARANTINE], TransactionMode::ReadWrite)
            .map_err(err)?;
        let key = JsValue::from_str(room);
        let entry = Object::new();
        set(&entry, "room", &key);
        set(&entry, "reason", &JsValue::from_str(reason));
        set(&entry, "at", &JsValue::from_f64(js_sys::Date::now()));
        let arr = js_sys::Array::new();
        for p in parts {
            arr.push(p);
        }
        set(&entry, "parts", &arr);
        tx.store(QUARANTINE)
            .map_err(err)?
            .add(&entry.into(), None)
            .await
            .map_err(err)?;
        tx.store(DOCS)
            .map_err(err)?
            .delete(key.clone())
            .await
            .map_err(err)?;
        delete_updates(&tx.store(UPDATES).map_err(err)?, &key).await?;
        tx.done().await.map_err(err)?;
        Ok(())
    }

    /// This browser's drafts of a room (private mode), as stored.
    pub async fn drafts(&self, room: &str) -> Result<Option<JsValue>, String> {
        let tx = self
            .db
            .transaction(&[DRAFTS], TransactionMode::ReadOnly)
            .map_err(err)?;
        tx.store(DRAFTS)
            .map_err(err)?
            .get(JsValue::from_str(room))
            .await
            .map_err(err)
    }

    /// Replaces this browser's drafts of a room (`None`: there are none any more).
    pub async fn put_drafts(&self, room: &str, drafts: Option<&[u8]>) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[DRAFTS], TransactionMode::ReadWrite)
            .map_err(err)?;
        let store = tx.store(DRAFTS).map_err(err)?;
        let key = JsValue::from_str(room);
        match drafts {
            Some(bytes) => store
                .put(&Uint8Array::from(bytes).into(), Some(&key))
                .await
                .map(|_| ()),
            None => store.delete(key).await,
        }
        .map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(())
    }

    /// Known boards, most recently changed first.
    pub async fn boards(&self) -> Result<Vec<KnownBoard>, String> {
        let tx = self
            .db
            .transaction(&[BOARDS], TransactionMode::ReadOnly)
            .map_err(err)?;
        let all = tx
            .store(BOARDS)
            .map_err(err)?
            .get_all(None, None)
            .await
            .map_err(err)?;
        let mut out: Vec<KnownBoard> = all.iter().filter_map(board_from_js).collect();
        crdt::order::sort_by(&mut out, |a, b| b.updated.total_cmp(&a.updated));
        Ok(out)
    }
}

/// A stored value as bytes, within the size limit.
pub fn as_bytes(v: &JsValue) -> Result<Vec<u8>, String> {
    match v.clone().dyn_into::<Uint8Array>() {
        Ok(a) if a.length() <= MAX_DOC_BYTES => Ok(a.to_vec()),
        Ok(a) => Err(format!(
            "stored part is {} bytes, above the limit",
            a.length()
        )),
        Err(_) => Err("stored board is not a byte array".to_string()),
    }
}

/// Deletes every update appended for a room (inside the caller's transaction).
async fn delete_updates(updates: &rexie::Store, room: &JsValue) -> Result<(), String> {
    let range = KeyRange::only(room).map_err(err)?;
    let index = updates.index("room").map_err(err)?;
    for k in index.get_all_keys(Some(range), None).await.map_err(err)? {
        updates.delete(k).await.map_err(err)?;
    }
    Ok(())
}

fn set(o: &Object, k: &str, v: &JsValue) {
    // Setting a plain property on a fresh Object cannot fail.
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

fn board_to_js(b: &KnownBoard) -> JsValue {
    let o = Object::new();
    set(&o, "room", &JsValue::from_str(&b.room));
    set(&o, "fragment", &JsValue::from_str(&b.fragment));
    set(&o, "title", &JsValue::from_str(&b.title));
    set(&o, "updated", &JsValue::from_f64(b.updated));
    o.into()
}

fn board_from_js(v: &JsValue) -> Option<KnownBoard> {
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).ok();
    Some(KnownBoard {
        room: get("room")?.as_string()?,
        fragment: get("fragment")?.as_string()?,
        title: get("title").and_then(|t| t.as_string()).unwrap_or_default(),
        updated: get("updated").and_then(|t| t.as_f64()).unwrap_or(0.0),
    })
}
