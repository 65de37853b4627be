//! The global allocator of the app in the browser: talc instead of Rust's default
//! dlmalloc. A newcomer applying a large board makes one small allocation per item, and
//! dlmalloc's `malloc` was a tenth of that time (a CPU profile of the browser build); talc's
//! took about 30 % less.
//!
//! Linked into the app with `use heap as _;`. Native builds (tests) keep the system
//! allocator.
#![no_std]

/// SAFETY: `TalckWasm` needs a single-threaded wasm environment with nothing else
/// growing the memory. The app runs in the browser's main thread only (no wasm threads,
/// no shared memory), and Rust's allocator is the only user of `memory.grow`.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
