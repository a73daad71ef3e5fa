//! What breaks if Työmarkkinatori's EURES interface changes? The elements that modifying
//! the flow from Työmarkkinatori (Job Market Finland) to the EURES portal affects, each
//! with its witness path and who must act, as a program embedding the library asks it.
//!
//! `cargo run -p ecograph-examples --example eures_interface [-- LANG]`

use ecograph_core::{Direction, Model};
use ecograph_impact::{Change, ChangeKind, ChangeSet, Confidence, Options, RelationRef, Snapshot};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lang = std::env::args().nth(1);
    let lang = lang.as_deref();
    let model = Model::load(ecograph_examples::te24_path())?;
    // The flow has no id: name it by its ends, as `--modified 'tmt->eures-portaali'` does.
    let flow = RelationRef::parse_arrow("tmt->eures-portaali").ok_or("not a relation")??;
    let changes: ChangeSet = [Change::relation(flow, ChangeKind::Modified)?]
        .into_iter()
        .collect();
    // A snapshot is built once per model; analyze as many change sets on it as needed.
    let snapshot = Snapshot::new(&model);
    let options = match lang {
        Some(l) => Options::new().lang(l),
        None => Options::new(),
    };
    let impact = snapshot.analyze(&changes, &options)?;
    println!(
        "{} elements affected, {} of them certainly:",
        impact.len(),
        impact.count(Confidence::Certain)
    );
    for a in impact
        .affected()
        .filter(|a| a.confidence() == Confidence::Certain)
    {
        let path: Vec<String> = a
            .path()
            .iter()
            .map(|h| match h.direction() {
                Direction::Outgoing => format!("{} -{}-> {}", h.from().id(), h.link(), h.to().id()),
                _ => format!("{} <-{}- {}", h.from().id(), h.link(), h.to().id()),
            })
            .collect();
        let owners: Vec<&str> = a.owners().iter().map(|o| o.name().resolve(lang)).collect();
        println!(
            "  {} {} ({} {}: {})",
            a.element().kind(),
            a.element().name().resolve(lang),
            a.distance(),
            if a.distance() == 1 { "hop" } else { "hops" },
            path.join(", ")
        );
        if !owners.is_empty() {
            println!("    must act: {}", owners.join(", "));
        }
    }
    Ok(())
}
