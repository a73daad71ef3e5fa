//! Every information flow that touches Työmarkkinatori (Job Market Finland), with the
//! data it carries, and every task that concerns the platform.
//!
//! `cargo run -p ecograph-examples --example tyomarkkinatori_flows [-- LANG]`

use ecograph_core::{ElementKind, Model, RelationKind};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lang = std::env::args().nth(1);
    let lang = lang.as_deref();
    let model = Model::load(ecograph_examples::te24_path())?;
    let tmt = model
        .search("Työmarkkinatori")
        .find(|e| e.kind() == ElementKind::System)
        .ok_or("the model has no system named Työmarkkinatori")?;
    println!("{} ({})", tmt.name().resolve(lang), tmt.id());
    let flows = tmt
        .outgoing_of(RelationKind::Flow)
        .chain(tmt.incoming_of(RelationKind::Flow));
    for flow in flows {
        let data: Vec<&str> = flow
            .data_carried()
            .map(|d| d.name().resolve(lang))
            .collect();
        println!(
            "  flow {} -> {}: {}",
            flow.from().name().resolve(lang),
            flow.to().name().resolve(lang),
            if data.is_empty() {
                "(no data named)".to_owned()
            } else {
                data.join(", ")
            }
        );
    }
    for r in tmt.incoming_of(RelationKind::Concerns) {
        println!(
            "  concerned by task {}: {}",
            r.from().id(),
            r.from().name().resolve(lang)
        );
    }
    Ok(())
}
