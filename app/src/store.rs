//! Boards kept in the browser (IndexedDB), keyed by room: the document bytes (Yjs
//! update v1), the list of known boards for the home view, and a quarantine for
//! stored bytes that could not be read (kept, never deleted silently).
//!
//! Everything read back is untrusted: wrong shapes are skipped, never unwrapped.

use js_sys::{Object, Reflect, Uint8Array};
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::{JsCast, JsValue};

const DB: &str = "lernraum";
const DOCS: &str = "docs";
const BOARDS: &str = "boards";
const QUARANTINE: &str = "quarantine";
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
            .version(1)
            .add_object_store(ObjectStore::new(DOCS))
            .add_object_store(ObjectStore::new(BOARDS))
            .add_object_store(ObjectStore::new(QUARANTINE).auto_increment(true))
            .build()
            .await
            .map_err(err)?;
        Ok(Store { db })
    }

    /// The stored document of a room, if any.
    pub async fn load_doc(&self, room: &str) -> Result<Option<Vec<u8>>, String> {
        let tx = self
            .db
            .transaction(&[DOCS], TransactionMode::ReadOnly)
            .map_err(err)?;
        let store = tx.store(DOCS).map_err(err)?;
        let value = store.get(JsValue::from_str(room)).await.map_err(err)?;
        match value {
            None => Ok(None),
            Some(v) => match v.dyn_into::<Uint8Array>() {
                Ok(a) if a.length() <= MAX_DOC_BYTES => Ok(Some(a.to_vec())),
                Ok(a) => Err(format!(
                    "stored board is {} bytes, above the limit",
                    a.length()
                )),
                Err(_) => Err("stored board is not a byte array".to_string()),
            },
        }
    }

    /// Saves a room's document and its home-view entry in one transaction.
    pub async fn save(&self, board: &KnownBoard, bytes: &[u8]) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[DOCS, BOARDS], TransactionMode::ReadWrite)
            .map_err(err)?;
        let key = JsValue::from_str(&board.room);
        let docs = tx.store(DOCS).map_err(err)?;
        docs.put(&Uint8Array::from(bytes).into(), Some(&key))
            .await
            .map_err(err)?;
        let boards = tx.store(BOARDS).map_err(err)?;
        boards
            .put(&board_to_js(board), Some(&key))
            .await
            .map_err(err)?;
        tx.done().await.map_err(err)?;
        Ok(())
    }

    /// Keeps unreadable bytes aside (with the room and the reason), then frees the slot.
    pub async fn quarantine(&self, room: &str, bytes: &[u8], reason: &str) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[DOCS, QUARANTINE], TransactionMode::ReadWrite)
            .map_err(err)?;
        let entry = Object::new();
        set(&entry, "room", &JsValue::from_str(room));
        set(&entry, "reason", &JsValue::from_str(reason));
        set(&entry, "at", &JsValue::from_f64(js_sys::Date::now()));
        set(&entry, "bytes", &Uint8Array::from(bytes).into());
        tx.store(QUARANTINE)
            .map_err(err)?
            .add(&entry.into(), None)
            .await
            .map_err(err)?;
        tx.store(DOCS)
            .map_err(err)?
            .delete(JsValue::from_str(room))
            .await
            .map_err(err)?;
        tx.done().await.map_err(err)?;
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
        out.sort_by(|a, b| b.updated.total_cmp(&a.updated));
        Ok(out)
    }
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
