//! Room encryption, compatible with y-webrtc's `password` (ROOMS.md, "Encryption"):
//! PBKDF2-HMAC-SHA-256 over UTF-8(KEY) with salt UTF-8(ROOM), 100,000 iterations, into
//! an AES-GCM-256 key; each message gets a fresh 12-byte nonce and travels in the
//! `crdt::envelope` layout. WebCrypto does the work; a failure is an `Err`, never a
//! panic, and a message that does not decrypt is dropped by the caller.

use crdt::envelope;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

fn subtle() -> Result<SubtleCrypto, String> {
    let w = web_sys::window().ok_or("no window")?;
    Ok(w.crypto().map_err(|_| "no WebCrypto")?.subtle())
}

fn obj(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn err(e: JsValue) -> String {
    format!("{e:?}")
}

/// The AES-GCM key of a room.
pub async fn room_key(password: &str, room: &str) -> Result<CryptoKey, String> {
    let subtle = subtle()?;
    let raw = Uint8Array::from(password.as_bytes());
    let usages = Array::of1(&JsValue::from_str("deriveKey"));
    let base = subtle
        .import_key_with_object(
            "raw",
            &raw,
            &obj(&[("name", "PBKDF2".into())]),
            false,
            &usages,
        )
        .map_err(err)?;
    let base: CryptoKey = JsFuture::from(base).await.map_err(err)?.unchecked_into();
    let params = obj(&[
        ("name", "PBKDF2".into()),
        ("salt", Uint8Array::from(room.as_bytes()).into()),
        ("iterations", 100_000.into()),
        ("hash", "SHA-256".into()),
    ]);
    let target = obj(&[("name", "AES-GCM".into()), ("length", 256.into())]);
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    let key = subtle
        .derive_key_with_object_and_object(&params, &base, &target, false, &usages)
        .map_err(err)?;
    Ok(JsFuture::from(key).await.map_err(err)?.unchecked_into())
}

/// Encrypts a message into an envelope.
pub async fn encrypt(key: &CryptoKey, data: &[u8]) -> Result<Vec<u8>, String> {
    let mut iv = [0u8; envelope::IV_LEN];
    getrandom::getrandom(&mut iv).map_err(|e| e.to_string())?;
    let params = obj(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(&iv[..]).into()),
    ]);
    let p = subtle()?
        .encrypt_with_object_and_u8_array(&params, key, data)
        .map_err(err)?;
    let cipher = Uint8Array::new(&JsFuture::from(p).await.map_err(err)?).to_vec();
    Ok(envelope::seal(&iv, &cipher))
}

/// Decrypts an envelope; `Err` for anything that is not one or does not authenticate.
pub async fn decrypt(key: &CryptoKey, data: &[u8]) -> Result<Vec<u8>, String> {
    let (iv, cipher) = envelope::open(data).ok_or("not an encrypted envelope")?;
    let params = obj(&[
        ("name", "AES-GCM".into()),
        ("iv", Uint8Array::from(&iv[..]).into()),
    ]);
    let p = subtle()?
        .decrypt_with_object_and_u8_array(&params, key, &cipher)
        .map_err(err)?;
    Ok(Uint8Array::new(
        &JsFuture::from(p)
            .await
            .map_err(|_| "does not decrypt with this room's key")?,
    )
    .to_vec())
}
