//! The library in a few lines: petgraph's `tarjan_scc` straight on the model's flows, then
//! the impact of removing Työmarkkinatori as the same JSON `ecograph impact` prints.
//!
//! `cargo run -p ecograph-examples --example flow_cycles_and_impact`

use ecograph_core::{Model, RelationKind};
use ecograph_impact::{Change, ChangeSet, Options, analyze};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = Model::load(ecograph_examples::te24_path())?;
    let components = petgraph::algo::tarjan_scc(&model.graph(&[RelationKind::Flow]));
    let cycles = components.iter().filter(|c| c.len() > 1).count();
    println!(
        "{} components of the flow graph, {cycles} of them cycles",
        components.len()
    );
    let changes = ChangeSet::from_iter([Change::removed("tmt")]);
    let impact = analyze(&model, &changes, &Options::new().lang("en"))?;
    println!("{}", serde_json::to_string_pretty(&impact)?);
    Ok(())
}
