//! Native board-model benchmarks for `cargo xtask bench`: creating, encoding, decoding
//! and reading boards of N notes. Prints one JSON object per line
//! (`{"op":…,"n":…,"ms":…}`, medians of several runs); `tests/bench/native.mjs` runs
//! JavaScript Yjs through the same steps in the same run and writes the comparison.
//!
//! Usage: `bench [N …]` (default 1000 10000).

use std::time::Instant;

use crdt::{Board, Command, Kind, NewElement, LOAD, LOCAL};

fn note(i: usize, n: usize) -> NewElement {
    // The peer-bench layout: a grid of ⌈√N⌉ columns at 240 px pitch.
    let cols = (n as f64).sqrt().ceil() as usize;
    NewElement {
        id: format!("bench{i:016}"),
        kind: Kind::Note,
        x: (i % cols) as f64 * 240.0,
        y: (i / cols) as f64 * 240.0,
        w: 200.0,
        h: 200.0,
        color: "yellow".into(),
        text: format!("Measure {i}: ask openly, decide together"),
        parent: None,
        z: None,
        pts: Vec::new(),
        from: None,
        to: None,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(out);
    }
    (median(times), last.expect("runs > 0"))
}

fn report(op: &str, n: usize, ms: f64, extra: &str) {
    println!("{{\"op\":\"{op}\",\"n\":{n},\"ms\":{ms:.3}{extra}}}");
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1000, 10_000]
    } else {
        sizes
    };
    for n in sizes {
        let runs = if n > 5000 { 3 } else { 5 };
        let (ms, _) = time(runs, || {
            let mut b = Board::new(1);
            for i in 0..n {
                b.apply(&Command::Create(vec![note(i, n)]), LOCAL).ok();
            }
            b
        });
        report("create, one transaction per note", n, ms, "");
        let (ms, board) = time(runs, || {
            let mut b = Board::new(1);
            b.apply(
                &Command::Create((0..n).map(|i| note(i, n)).collect()),
                LOCAL,
            )
            .ok();
            b
        });
        report("create, one transaction", n, ms, "");
        let (ms, bytes) = time(runs, || board.encode());
        report(
            "encode (update v1)",
            n,
            ms,
            &format!(",\"bytes\":{}", bytes.len()),
        );
        let (ms, copy) = time(runs, || {
            let mut b = Board::new(2);
            b.apply_update(&bytes, LOAD).ok();
            b
        });
        report("decode and apply", n, ms, "");
        let (ms, els) = time(runs, || copy.elements());
        assert_eq!(els.len(), n);
        report("read all elements", n, ms, "");
    }
}
