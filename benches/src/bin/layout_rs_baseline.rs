//! The baseline the embedded layout replaced: layout-rs 0.1.3 on the same benchmark graphs
//! that `layout_vs_peers` uses, timed the same way, with its reachability validation off
//! (`set_validate(false)`, its fastest setting).
//!
//! `cargo run --release -p ecograph-benches --bin layout_rs_baseline -- FAMILY N [SEED]`
//! with FAMILY `random` or `short-edge`. layout-rs's time can grow exponentially with the
//! graph, so `benches/scripts/layout_rs_baseline.sh` runs this under a time limit.

use ecograph_benches::graphs::{BenchGraph, random_graph, short_edge_graph, to_layout_input};
use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;
use std::time::Instant;

fn layout_rs(g: &BenchGraph) -> f64 {
    let mut vg = VisualGraph::new(Orientation::TopToBottom);
    vg.dag.set_validate(false);
    let handles: Vec<_> = g
        .nodes
        .iter()
        .map(|n| {
            let shape = ShapeKind::new_box(&n.label);
            vg.add_node(Element::create(
                shape,
                StyleAttr::simple(),
                Orientation::TopToBottom,
                Point::new(n.width, n.height),
            ))
        })
        .collect();
    for &(a, b) in &g.edges {
        vg.add_edge(Arrow::simple(""), handles[a], handles[b]);
    }
    let start = Instant::now();
    let mut svg = SVGWriter::new();
    vg.do_it(false, false, false, &mut svg);
    std::hint::black_box(svg.finalize());
    start.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: layout_rs_baseline random|short-edge N [SEED]";
    let (Some(family), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let g = match family.as_str() {
        "random" => random_graph(n, seed),
        "short-edge" => short_edge_graph(n, seed),
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    // layout-rs panics on an empty graph ("Sorting an empty graph").
    if g.nodes.is_empty() {
        eprintln!("layout-rs cannot lay out an empty graph");
        std::process::exit(2);
    }
    let ours = {
        let input = to_layout_input(&g);
        let start = Instant::now();
        let out = ecograph_render::layout::layout(&input);
        std::hint::black_box(&out);
        start.elapsed().as_secs_f64()
    };
    let theirs = layout_rs(&g);
    println!(
        "{family}\t{n}\t{}\tlayout-rs {theirs:.3} s\tecograph {ours:.4} s",
        g.edges.len()
    );
}
