//! Compares `ecograph_render::layout` with Graphviz `dot` on the same graphs:
//! running time, edge crossings and drawing area, as a markdown table.
//!
//! Run in release mode: `cargo run --release -p ecograph-benches --bin
//! layout_vs_dot [-- --sizes 50,200 --families random,short-edge --svg DIR]`.
//! `dot` is timed producing SVG (`-Tsvg`, what a user would run; the first
//! run also writes `-Tplain`, which gives its positions). Both drawings' crossings
//! are counted the same way: pairwise intersections of the edges' polylines
//! (dot's splines sampled), leaving out pairs of edges that share a node.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ecograph_benches::graphs::{
    BenchGraph, POINTS_PER_INCH, random_graph, short_edge_graph, to_dot, to_layout_input,
    with_clusters,
};
use ecograph_render::layout::{Layout, layout};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Pt {
    x: f64,
    y: f64,
}

/// An edge's drawing: its end nodes and its polyline.
struct Drawn {
    from: usize,
    to: usize,
    points: Vec<Pt>,
}

struct Measure {
    seconds: f64,
    crossings: u64,
    area: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let sizes: Vec<usize> = opt("--sizes")
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50, 200, 500]);
    let families: Vec<String> = opt("--families")
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_else(|| {
            [
                "random",
                "short-edge",
                "random+clusters",
                "short-edge+clusters",
            ]
            .map(String::from)
            .to_vec()
        });
    let svg_dir = opt("--svg").map(PathBuf::from);
    let fresh = args.iter().any(|a| a == "--fresh");
    let work = std::env::temp_dir().join("ecograph-layout-vs-dot");
    if let Err(e) = std::fs::create_dir_all(&work) {
        eprintln!("cannot create {}: {e}", work.display());
        std::process::exit(1);
    }
    let have_dot =
        !args.iter().any(|a| a == "--no-dot") && Command::new("dot").arg("-V").output().is_ok();
    if !have_dot {
        eprintln!("`dot` not found (apt-get install graphviz): dot columns left empty");
    }

    println!(
        "| family | nodes | edges | our time | dot time | time ratio | our crossings | dot crossings | crossing ratio | our area | dot area | area ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for family in &families {
        for &n in &sizes {
            let seed = 0x5EED + n as u64;
            let g = match family.as_str() {
                "random" => random_graph(n, seed),
                "short-edge" => short_edge_graph(n, seed),
                "random+clusters" => with_clusters(random_graph(n, seed), seed),
                "short-edge+clusters" => with_clusters(short_edge_graph(n, seed), seed),
                other => {
                    eprintln!("unknown family {other}");
                    continue;
                }
            };
            let (ours, drawing) = measure_ours(&g);
            if let Some(dir) = &svg_dir {
                let _ = std::fs::create_dir_all(dir);
                let path = dir.join(format!("{}-{n}.svg", g.family));
                if let Err(e) = std::fs::write(&path, debug_svg(&g, &drawing)) {
                    eprintln!("cannot write {}: {e}", path.display());
                }
            }
            let theirs = if have_dot {
                measure_dot(&g, &work.join(format!("{}-{n}.dot", g.family)), fresh)
            } else {
                None
            };
            print_row(&g, &ours, theirs.as_ref());
        }
    }
}

fn print_row(g: &BenchGraph, ours: &Measure, theirs: Option<&Measure>) {
    let ratio = |a: f64, b: f64| {
        if b > 0.0 {
            format!("{:.2}", a / b)
        } else if a == 0.0 {
            "1.00".into()
        } else {
            "inf".into()
        }
    };
    let (dt, dc, da, rt, rc, ra) = match theirs {
        Some(d) => (
            format!("{:.4} s", d.seconds),
            d.crossings.to_string(),
            format!("{:.0}", d.area),
            ratio(ours.seconds, d.seconds),
            ratio(ours.crossings as f64, d.crossings as f64),
            ratio(ours.area, d.area),
        ),
        None => Default::default(),
    };
    println!(
        "| {} | {} | {} | {:.4} s | {dt} | {rt} | {} | {dc} | {rc} | {:.0} | {da} | {ra} |",
        g.family,
        g.nodes.len(),
        g.edges.len(),
        ours.seconds,
        ours.crossings,
        ours.area,
    );
}

fn measure_ours(g: &BenchGraph) -> (Measure, Layout) {
    let input = to_layout_input(g);
    // Repeat short runs so the time is not dominated by timer noise.
    let mut runs = 0u32;
    let start = Instant::now();
    let mut out = None;
    while runs == 0 || (start.elapsed() < Duration::from_millis(300) && runs < 20) {
        out = Some(layout(&input).expect("generated graphs are valid"));
        runs += 1;
    }
    let seconds = start.elapsed().as_secs_f64() / f64::from(runs);
    let out = out.unwrap_or_default();
    let drawn: Vec<Drawn> = g
        .edges
        .iter()
        .zip(&out.edges)
        .map(|(&(from, to), r)| Drawn {
            from,
            to,
            points: r.points.iter().map(|p| Pt { x: p.x, y: p.y }).collect(),
        })
        .collect();
    let m = Measure {
        seconds,
        crossings: count_crossings(&drawn),
        area: out.width * out.height,
    };
    (m, out)
}

/// Runs dot on the graph, or reuses the results of an earlier run on the
/// identical DOT text (dot is deterministic; random 500-node graphs take it
/// minutes), unless `fresh`.
fn measure_dot(g: &BenchGraph, path: &Path, fresh: bool) -> Option<Measure> {
    let dot = to_dot(g);
    let plain_path = path.with_extension("plain");
    let time_path = path.with_extension("seconds");
    let cached = !fresh && std::fs::read_to_string(path).ok().as_deref() == Some(dot.as_str());
    let reuse = cached
        .then(|| {
            let seconds: f64 = std::fs::read_to_string(&time_path)
                .ok()?
                .trim()
                .parse()
                .ok()?;
            let plain = std::fs::read_to_string(&plain_path).ok()?;
            Some((seconds, plain))
        })
        .flatten();
    let (seconds, plain) = match reuse {
        Some(r) => r,
        None => {
            std::fs::write(path, &dot).ok()?;
            // One run writes the SVG (timed) and the plain positions, so
            // slow graphs are laid out once; fast ones get two more SVG-only
            // runs and the best time counts.
            let start = Instant::now();
            let status = Command::new("dot")
                .args(["-Tsvg", "-o", "/dev/null", "-Tplain", "-o"])
                .arg(&plain_path)
                .arg(path)
                .status()
                .ok()?;
            if !status.success() {
                return None;
            }
            let mut best = start.elapsed().as_secs_f64();
            if best < 1.0 {
                for _ in 0..2 {
                    let start = Instant::now();
                    let status = Command::new("dot")
                        .args(["-Tsvg", "-o", "/dev/null"])
                        .arg(path)
                        .status()
                        .ok()?;
                    if !status.success() {
                        return None;
                    }
                    best = best.min(start.elapsed().as_secs_f64());
                }
            }
            let plain = std::fs::read_to_string(&plain_path).ok()?;
            let _ = std::fs::write(&time_path, best.to_string());
            (best, plain)
        }
    };
    let (area, drawn) = parse_plain(&plain)?;
    Some(Measure {
        seconds,
        crossings: count_crossings(&drawn),
        area,
    })
}

/// Area and edge polylines from `dot -Tplain` (points; splines sampled).
fn parse_plain(text: &str) -> Option<(f64, Vec<Drawn>)> {
    let mut area = None;
    let mut drawn = Vec::new();
    let node_index = |name: &str| name.strip_prefix('n').and_then(|s| s.parse::<usize>().ok());
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.first() {
            Some(&"graph") if f.len() >= 4 => {
                let w: f64 = f[2].parse().ok()?;
                let h: f64 = f[3].parse().ok()?;
                area = Some(w * h * POINTS_PER_INCH * POINTS_PER_INCH);
            }
            Some(&"edge") if f.len() >= 4 => {
                let from = node_index(f[1])?;
                let to = node_index(f[2])?;
                let k: usize = f[3].parse().ok()?;
                let mut ctrl = Vec::with_capacity(k);
                for i in 0..k {
                    let x: f64 = f.get(4 + 2 * i)?.parse().ok()?;
                    let y: f64 = f.get(5 + 2 * i)?.parse().ok()?;
                    ctrl.push(Pt {
                        x: x * POINTS_PER_INCH,
                        y: y * POINTS_PER_INCH,
                    });
                }
                drawn.push(Drawn {
                    from,
                    to,
                    points: sample_bezier(&ctrl),
                });
            }
            _ => {}
        }
    }
    Some((area?, drawn))
}

/// Samples a piecewise cubic Bézier (1 + 3k control points) into a polyline.
fn sample_bezier(ctrl: &[Pt]) -> Vec<Pt> {
    const STEPS: usize = 8;
    let mut out = Vec::new();
    if let Some(&p) = ctrl.first() {
        out.push(p);
    }
    let mut i = 0;
    while i + 3 < ctrl.len() {
        let (p0, p1, p2, p3) = (ctrl[i], ctrl[i + 1], ctrl[i + 2], ctrl[i + 3]);
        for s in 1..=STEPS {
            let t = s as f64 / STEPS as f64;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            out.push(Pt {
                x: a * p0.x + b * p1.x + c * p2.x + d * p3.x,
                y: a * p0.y + b * p1.y + c * p2.y + d * p3.y,
            });
        }
        i += 3;
    }
    out
}

/// Proper intersection point of segments `ab` and `cd`, if any.
fn intersect(a: Pt, b: Pt, c: Pt, d: Pt) -> Option<Pt> {
    let r = Pt {
        x: b.x - a.x,
        y: b.y - a.y,
    };
    let s = Pt {
        x: d.x - c.x,
        y: d.y - c.y,
    };
    let den = r.x * s.y - r.y * s.x;
    if den.abs() < 1e-12 {
        return None; // parallel or collinear: touching, not crossing
    }
    let qp = Pt {
        x: c.x - a.x,
        y: c.y - a.y,
    };
    let t = (qp.x * s.y - qp.y * s.x) / den;
    let u = (qp.x * r.y - qp.y * r.x) / den;
    // Half-open on the far end so a crossing at a shared polyline vertex
    // counts once.
    ((0.0..1.0).contains(&t) && (0.0..1.0).contains(&u)).then_some(Pt {
        x: a.x + t * r.x,
        y: a.y + t * r.y,
    })
}

/// Crossings between polylines of edges that share no node, found with a
/// uniform grid (each crossing counted in the cell holding its point).
fn count_crossings(edges: &[Drawn]) -> u64 {
    let mut segs: Vec<(usize, Pt, Pt)> = Vec::new();
    for (i, e) in edges.iter().enumerate() {
        for w in e.points.windows(2) {
            segs.push((i, w[0], w[1]));
        }
    }
    if segs.len() < 2 {
        return 0;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for &(_, a, b) in &segs {
        x0 = x0.min(a.x.min(b.x));
        y0 = y0.min(a.y.min(b.y));
        x1 = x1.max(a.x.max(b.x));
        y1 = y1.max(a.y.max(b.y));
    }
    let cells_per_side = ((segs.len() as f64).sqrt().ceil() as usize).clamp(1, 512);
    let cw = ((x1 - x0) / cells_per_side as f64).max(1e-9);
    let ch = ((y1 - y0) / cells_per_side as f64).max(1e-9);
    let cell = |x: f64, y: f64| {
        let cx = (((x - x0) / cw) as usize).min(cells_per_side - 1);
        let cy = (((y - y0) / ch) as usize).min(cells_per_side - 1);
        (cx, cy)
    };
    let mut grid: Vec<Vec<usize>> = vec![Vec::new(); cells_per_side * cells_per_side];
    for (k, &(_, a, b)) in segs.iter().enumerate() {
        let (ax, ay) = cell(a.x.min(b.x), a.y.min(b.y));
        let (bx, by) = cell(a.x.max(b.x), a.y.max(b.y));
        for cx in ax..=bx {
            for cy in ay..=by {
                grid[cy * cells_per_side + cx].push(k);
            }
        }
    }
    let mut total = 0;
    for (ci, bucket) in grid.iter().enumerate() {
        for (i, &s) in bucket.iter().enumerate() {
            for &t in &bucket[i + 1..] {
                let (es, a, b) = segs[s];
                let (et, c, d) = segs[t];
                if es == et {
                    continue;
                }
                let (e1, e2) = (&edges[es], &edges[et]);
                if e1.from == e2.from || e1.from == e2.to || e1.to == e2.from || e1.to == e2.to {
                    continue;
                }
                if let Some(p) = intersect(a, b, c, d) {
                    let (cx, cy) = cell(p.x, p.y);
                    if cy * cells_per_side + cx == ci {
                        total += 1;
                    }
                }
            }
        }
    }
    total
}

/// A plain SVG of our drawing, for looking at results.
fn debug_svg(g: &BenchGraph, l: &Layout) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="-5 -5 {w} {h}" font-family="DejaVu Sans" font-size="14">"#,
        w = l.width + 10.0,
        h = l.height + 10.0
    );
    for (c, r) in l.clusters.iter().enumerate() {
        let _ = writeln!(
            s,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#0000ff08" stroke="#88a"/><text x="{}" y="{}" text-anchor="middle" dominant-baseline="central" fill="#558">{}</text>"##,
            r.x,
            r.y,
            r.width,
            r.height,
            l.cluster_labels[c].x,
            l.cluster_labels[c].y,
            g.clusters[c].label
        );
    }
    for e in &l.edges {
        let pts: Vec<String> = e
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1}", p.x, p.y))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="black" stroke-width="0.7"/>"#,
            pts.join(" ")
        );
        if let Some(p) = e.points.last() {
            let _ = writeln!(s, r#"<circle cx="{:.1}" cy="{:.1}" r="2"/>"#, p.x, p.y);
        }
    }
    for (v, p) in g.nodes.iter().zip(&l.nodes) {
        let _ = writeln!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="white" stroke="black"/><text x="{}" y="{}" text-anchor="middle" dominant-baseline="central">{}</text>"#,
            p.x - v.width / 2.0,
            p.y - v.height / 2.0,
            v.width,
            v.height,
            p.x,
            p.y,
            v.label
        );
    }
    s.push_str("</svg>\n");
    s
}
