//! Lays out one synthetic graph of `layout_vs_peers`, for profilers:
//! `layout_one FAMILY N [REPEATS]` prints a fingerprint of the whole layout
//! (FNV-1a of its `Debug` text), so two builds can be checked to draw the
//! same thing, and the graph is laid out REPEATS times (default 1).

use ecograph_benches::graphs::{family_graph, to_layout_input};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(family), Some(n)) = (args.first(), args.get(1).and_then(|s| s.parse().ok())) else {
        eprintln!("usage: layout_one FAMILY N [REPEATS]");
        std::process::exit(2);
    };
    let repeats: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let Some(g) = family_graph(family, n) else {
        eprintln!("unknown family {family}");
        std::process::exit(2);
    };
    let mut input = to_layout_input(&g);
    input.routing = ecograph_render::EDGE_ROUTING;
    let mut last = None;
    for _ in 0..repeats.max(1) {
        match ecograph_render::layout::layout(&input) {
            Ok(l) => last = Some(l),
            Err(e) => {
                eprintln!("{family}/{n}: {e}");
                std::process::exit(1);
            }
        }
    }
    let text = format!("{last:?}");
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    println!("{family}/{n} {hash:016x}");
}
