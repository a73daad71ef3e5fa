//! Where the system refuses a thread (at a process's or a container's thread limit),
//! imports read on one thread: the same model and the same warnings, or the same error.

use ecograph_core::Model;
use ecograph_core::par::with_threads_refused;
use ecograph_interop::{
    ExportOptions, Imported, export_archimate, export_csv, import_archimate, import_csv,
};

/// A model with concepts enough to be imported on two threads: 20,000 tasks, each but
/// the last depending on the next, named in two languages.
fn large() -> Model {
    let n = 20_000;
    let elements: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "{{\"id\": \"t{i}\", \"kind\": \"task\", \"name\": {{\"fi\": \"Tehtävä {i}\", \"en\": \"Task {i} & <more>\"}}}}"
            )
        })
        .collect();
    let relations: Vec<String> = (0..n - 1)
        .map(|i| {
            format!(
                "{{\"kind\": \"depends_on\", \"from\": \"t{i}\", \"to\": \"t{}\"}}",
                i + 1
            )
        })
        .collect();
    let src = format!(
        "{{\"ecograph\": 1, \"languages\": [\"fi\", \"en\"], \"elements\": [{}], \"relations\": [{}]}}",
        elements.join(","),
        relations.join(",")
    );
    Model::from_json_str(&src).expect("a valid model")
}

/// What an import gives, rendered: the model's canonical JSON and the warnings, or the
/// error.
fn outcome(imported: Result<Imported, ecograph_interop::Error>) -> String {
    match imported {
        Ok(i) => {
            let warnings: Vec<String> = i.warnings.iter().map(ToString::to_string).collect();
            format!("{}\n{}", i.model.to_canonical_json(), warnings.join("\n"))
        }
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn an_exchange_file_is_imported_alike_where_the_system_refuses_a_thread() {
    let model = large();
    let xml = export_archimate(&model, &ExportOptions::default()).expect("exports");
    let two = outcome(import_archimate(xml.as_slice(), "large.xml"));
    let one = with_threads_refused(|| outcome(import_archimate(xml.as_slice(), "large.xml")));
    assert!(two.starts_with('{'), "{}", &two[..two.len().min(300)]);
    assert!(one == two, "the import on one thread differs");
    // And a broken file gives the same message on one thread.
    let broken =
        String::from_utf8(xml)
            .expect("UTF-8")
            .replacen("target=\"", "target=\"nowhere-", 1);
    let two = outcome(import_archimate(broken.as_bytes(), "large.xml"));
    let one = with_threads_refused(|| outcome(import_archimate(broken.as_bytes(), "large.xml")));
    assert!(two.starts_with("error: "), "{}", &two[..two.len().min(300)]);
    assert_eq!(one, two);
}

#[test]
fn csv_files_are_imported_alike_where_the_system_refuses_a_thread() {
    let model = large();
    let files = export_csv(&model, &ExportOptions::default()).expect("exports");
    let names = ["elements.csv", "relations.csv", "properties.csv"];
    let import = |relations: &[u8]| {
        outcome(import_csv(
            files.elements.as_slice(),
            Some(relations),
            Some(files.properties.as_slice()),
            names,
        ))
    };
    let two = import(&files.relations);
    let one = with_threads_refused(|| import(&files.relations));
    assert!(two.starts_with('{'), "{}", &two[..two.len().min(300)]);
    assert!(one == two, "the import on one thread differs");
    // A broken relations file: the same message on one thread.
    let mut broken = files.relations.clone();
    broken.extend_from_slice(b"\"r-x\",\"Nonsense\",\"\",\"\",\"t1\",\"t2\",\"\"\n");
    let two = import(&broken);
    let one = with_threads_refused(|| import(&broken));
    assert!(two.starts_with("error: "), "{}", &two[..two.len().min(300)]);
    assert_eq!(one, two);
}
