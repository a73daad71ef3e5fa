//! Every task still in progress, with the actors and roles responsible for it.
//!
//! Responsibility is inherited: a sub-task with no `responsible` relation of its own is
//! the responsibility of whoever is responsible for the task that contains it.
//!
//! `cargo run -p ecograph-examples --example in_progress [-- LANG]`

use ecograph_core::{Element, Model, RelationKind, Status};

fn owners<'m>(task: Element<'m>) -> Vec<Element<'m>> {
    std::iter::once(task)
        .chain(task.ancestors())
        .map(|t| {
            t.incoming_of(RelationKind::Responsible)
                .map(|r| r.from())
                .collect::<Vec<_>>()
        })
        .find(|o| !o.is_empty())
        .unwrap_or_default()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lang = std::env::args().nth(1);
    let model = Model::load(ecograph_examples::te24_path())?;
    let lang = lang.as_deref();
    for task in model.tasks_with_status(Status::InProgress) {
        let who: Vec<String> = owners(task)
            .iter()
            .map(|o| o.name().resolve(lang).to_owned())
            .collect();
        let who = if who.is_empty() {
            "(no one named)".to_owned()
        } else {
            who.join(", ")
        };
        println!(
            "{:<12} {}\n             responsible: {who}",
            task.id(),
            task.name().resolve(lang)
        );
    }
    Ok(())
}
