//! zlib (de)compression through the browser's `CompressionStream("deflate")` and
//! `DecompressionStream("deflate")`: no compressor in the download. Decompression
//! stops at a limit, so a small hostile file cannot unpack into gigabytes.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = CompressionStream)]
    type JsCompressionStream;
    #[wasm_bindgen(constructor, js_class = "CompressionStream", catch)]
    fn new(format: &str) -> Result<JsCompressionStream, JsValue>;

    #[wasm_bindgen(js_name = DecompressionStream)]
    type JsDecompressionStream;
    #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
    fn new(format: &str) -> Result<JsDecompressionStream, JsValue>;
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

async fn pipe(input: &[u8], transform: &JsValue, limit: usize) -> Result<Vec<u8>, String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(input));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(js_err)?;
    let stream = blob
        .stream()
        .pipe_through(transform.unchecked_ref::<web_sys::ReadableWritablePair>());
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(js_err)?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .map(|v| v.is_truthy())
            .unwrap_or(true);
        if done {
            return Ok(out);
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(js_err)?;
        let bytes: js_sys::Uint8Array = value.unchecked_into();
        if out.len() + bytes.length() as usize > limit {
            let _ = reader.cancel();
            return Err(format!("unpacks to more than {limit} bytes"));
        }
        let at = out.len();
        out.resize(at + bytes.length() as usize, 0);
        bytes.copy_to(&mut out[at..]);
    }
}

/// The zlib stream (RFC 1950) of `input`.
pub async fn compress(input: &[u8]) -> Result<Vec<u8>, String> {
    let t = JsCompressionStream::new("deflate").map_err(js_err)?;
    pipe(input, &t, usize::MAX).await
}

/// Unpacks a zlib stream, failing if it is damaged or unpacks to more than `limit`.
pub async fn decompress(input: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    let t = JsDecompressionStream::new("deflate").map_err(js_err)?;
    pipe(input, &t, limit).await
}
