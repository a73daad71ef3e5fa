//! Archi's CSV layout: round trips, the exact layout, spreadsheet edits.

use crate::{chain, generate, te24};
use ecograph_core::Model;
use ecograph_interop::{CsvFiles, ExportOptions, export_csv, import_csv, write_csv};
use proptest::prelude::*;

fn export(m: &Model) -> CsvFiles {
    export_csv(m, &ExportOptions::default()).expect("exports")
}

fn import(f: &CsvFiles) -> ecograph_interop::Imported {
    let r = import_csv(
        &f.elements[..],
        Some(&f.relations[..]),
        Some(&f.properties[..]),
        ["elements.csv", "relations.csv", "properties.csv"],
    );
    match r {
        Ok(i) => i,
        Err(e) => panic!("import failed: {e}"),
    }
}

/// Imports three files given as text, named `e`, `r` and `p` in messages.
fn import_texts(
    elements: &str,
    relations: &str,
    properties: &str,
) -> Result<ecograph_interop::Imported, ecograph_interop::Error> {
    import_csv(
        elements.as_bytes(),
        Some(relations.as_bytes()),
        Some(properties.as_bytes()),
        ["e", "r", "p"],
    )
}

#[test]
fn te24_round_trips_through_csv() {
    let m = te24();
    assert_eq!(
        import(&export(&m)).model.to_canonical_json(),
        m.to_canonical_json()
    );
}

/// Containment travels as relationships, never as nesting: a chain deeper than the
/// exchange format's reader accepts (10,000 levels) round-trips.
#[test]
fn containment_deeper_than_the_xml_reader_accepts_round_trips() {
    let m = chain(12_000);
    assert_eq!(
        import(&export(&m)).model.to_canonical_json(),
        m.to_canonical_json()
    );
}

#[test]
fn files_have_archis_headers_bom_quoting_and_line_ends() {
    let f = export(&te24());
    let heads = [
        (
            &f.elements,
            "\"ID\",\"Type\",\"Name\",\"Documentation\",\"Specialization\"\r\n",
        ),
        (
            &f.relations,
            "\"ID\",\"Type\",\"Name\",\"Documentation\",\"Source\",\"Target\",\"Specialization\"\r\n",
        ),
        (&f.properties, "\"ID\",\"Key\",\"Value\"\r\n"),
    ];
    for (bytes, head) in heads {
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        assert!(text.starts_with('\u{FEFF}'));
        assert!(
            text['\u{FEFF}'.len_utf8()..].starts_with(head),
            "{}",
            &text[..80]
        );
    }
    let elements = std::str::from_utf8(&f.elements).expect("UTF-8");
    assert!(elements.contains("\r\n\"__model\",\"ArchimateModel\","));
    assert!(elements.contains("\"tmt\",\"ApplicationComponent\",\"Työmarkkinatori\","));
    let relations = std::str::from_utf8(&f.relations).expect("UTF-8");
    assert!(relations.contains("\"CompositionRelationship\""));
}

#[test]
fn an_edited_name_cell_is_read_back() {
    let m = Model::from_json_str(
        r#"{"ecograph":1,"languages":["fi","en"],"elements":[
        {"id":"tmt","kind":"system","name":{"fi":"Työmarkkinatori","en":"Job Market Finland"}}]}"#,
    )
    .expect("valid");
    let mut f = export(&m);
    let text = String::from_utf8(f.elements.clone()).expect("UTF-8");
    f.elements = text
        .replace("\"Työmarkkinatori\"", "\"Työmarkkinatori 2.0, uusi\"")
        .into_bytes();
    let back = import(&f).model;
    let tmt = back.element("tmt").expect("tmt");
    assert_eq!(tmt.name().get("fi"), Some("Työmarkkinatori 2.0, uusi"));
    assert_eq!(tmt.name().get("en"), Some("Job Market Finland"));
}

#[test]
fn archis_own_files_are_read() {
    // As Archi writes them: its ids, relationship class names, special properties.
    let elements = "\u{FEFF}\"ID\",\"Type\",\"Name\",\"Documentation\",\"Specialization\"\r\n\"id-m\",\"ArchimateModel\",\"Harbour\",\"\",\"\"\r\n\"id-a\",\"BusinessActor\",\"Port\",\"Runs \"\"it\"\"\",\"\"\r\n\"id-d\",\"DataObject\",\"Notice\",\"\",\"\"\r\n\"id-j\",\"Junction\",\"\",\"\",\"\"\r\n";
    let relations = "\u{FEFF}\"ID\",\"Type\",\"Name\",\"Documentation\",\"Source\",\"Target\",\"Specialization\"\r\n\"id-r\",\"AccessRelationship\",\"\",\"\",\"id-a\",\"id-d\",\"\"\r\n\"id-s\",\"AssociationRelationship\",\"\",\"\",\"id-a\",\"id-j\",\"\"\r\n";
    let properties = "\u{FEFF}\"ID\",\"Key\",\"Value\"\r\n\"id-m\",\"Purpose\",\"x\"\r\n\"id-a\",\"Budget\",\"10\"\r\n\"id-r\",\"Access_Type\",\"Read\"\r\n\"id-s\",\"Directed\",\"true\"\r\n\"id-j\",\"Junction_Type\",\"Or\"\r\n";
    let imp = import_texts(elements, relations, properties).expect("reads");
    let m = imp.model;
    assert_eq!((m.element_count(), m.relation_count()), (3, 2));
    assert_eq!(m.name().map(|n| n.resolve(None)), Some("Harbour"));
    assert_eq!(
        m.element("id-a").and_then(|e| e.property("Budget")),
        Some("10")
    );
    assert_eq!(
        m.element("id-a")
            .and_then(|e| e.description())
            .map(|d| d.resolve(None)),
        Some("Runs \"it\"")
    );
    assert_eq!(
        m.element("id-j").and_then(|e| e.property("archimate:type")),
        Some("OrJunction")
    );
    let r = m
        .relations()
        .find(|r| r.id() == Some("id-r"))
        .expect("access");
    assert_eq!(
        r.properties().count(),
        0,
        "Read is what ecograph derives for uses"
    );
    let s = m
        .relations()
        .find(|r| r.id() == Some("id-s"))
        .expect("association");
    assert!(
        s.properties()
            .any(|p| p == ("archimate:isDirected", "true"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn generated_models_round_trip_through_csv(seed in any::<u64>(), n in 2usize..40) {
        let m = generate::model(seed, n);
        let f = export(&m);
        let back = import(&f).model;
        prop_assert_eq!(back.to_canonical_json(), m.to_canonical_json());
    }
}

/// The CSV files carry a model's own `ecograph:` keys escaped, as the exchange format does.
#[test]
fn own_properties_in_the_mappings_namespace_round_trip_through_csv() {
    let m = Model::load(crate::fixture(
        "models/own-keys-in-the-mapping-namespace.json",
    ))
    .expect("valid");
    let back = import(&export(&m)).model;
    assert_eq!(back.to_canonical_json(), m.to_canonical_json());
}

const E_HEAD: &str = "\u{FEFF}\"ID\",\"Type\",\"Name\",\"Documentation\",\"Specialization\"\r\n";
const R_HEAD: &str = "\u{FEFF}\"ID\",\"Type\",\"Name\",\"Documentation\",\"Source\",\"Target\",\"Specialization\"\r\n";
const P_HEAD: &str = "\u{FEFF}\"ID\",\"Key\",\"Value\"\r\n";

/// `n` association rows from `a` to `a` (row `i` has ID `r{i}`), each with a
/// documentation on two lines, but for the rows `edit` changes.
fn relations_csv(n: usize, edit: impl Fn(usize, &mut [String; 7])) -> String {
    let mut s = R_HEAD.to_owned();
    for i in 0..n {
        let mut row = [
            format!("r{i}"),
            "AssociationRelationship".to_owned(),
            String::new(),
            "two\nlines".to_owned(),
            "a".to_owned(),
            "a".to_owned(),
            String::new(),
        ];
        edit(i, &mut row);
        let cells: Vec<String> = row.iter().map(|c| format!("\"{c}\"")).collect();
        s.push_str(&cells.join(","));
        s.push_str("\r\n");
    }
    s
}

/// Problems far into large files (past the first rows the reading thread hands over)
/// are placed and ordered as in a small one.
#[test]
fn problems_deep_in_large_files_keep_their_places_and_order() {
    let elements = format!("{E_HEAD}\"a\",\"BusinessActor\",\"A\",\"\",\"\"\r\n");
    let relations = relations_csv(30_000, |i, row| match i {
        7 => row[1] = "ServesRelationship".to_owned(),
        25_000 => row[5] = "ä".to_owned(),
        29_999 => row[4] = "b".to_owned(),
        _ => {}
    });
    let mut properties = P_HEAD.to_owned();
    for i in 0..30_000 {
        let id = if i == 28_000 { "nope" } else { "a" };
        properties.push_str(&format!("\"{id}\",\"k{i}\",\"v\"\r\n"));
    }
    let err = import_texts(&elements, &relations, &properties).expect_err("bad");
    // Each relations row takes two lines after the header's: a Target or Source is on
    // its second.
    assert_eq!(
        err.to_string(),
        "unknown relationship type `ServesRelationship` (relationship `r7`)\n  --> r:16:6\n\
         error: relationship `r25000` has Target `ä`, which is no element or relationship\n  --> r:50003:12\n\
         help: did you mean `a`?\n\
         error: relationship `r29999` has Source `b`, which is no element or relationship\n  --> r:60001:8\n\
         help: did you mean `a`?\n\
         error: property `k28000` is for `nope`, which is no element or relationship\n  --> p:28002:1"
    );
}

/// A file that cannot be read after many good rows stops the import with its own
/// message, as does a bad `elements.csv` before large other files (which are then not
/// read whole).
#[test]
fn a_broken_row_deep_in_a_large_file_ends_the_import() {
    let elements = format!("{E_HEAD}\"a\",\"BusinessActor\",\"A\",\"\",\"\"\r\n");
    let mut relations = relations_csv(20_000, |_, _| {});
    relations
        .push_str("\"x\",\"AssociationRelationship\",\"\",\"\",\"a\",\"a\",\"\",\"surplus\"\r\n");
    let properties = format!("{P_HEAD}\"a\",\"k\",\"v\"\r\n");
    // The first two lines of the message importing `elements` with those files gives.
    let first_two = |elements: &str| -> Vec<String> {
        let err = import_texts(elements, &relations, &properties).expect_err("bad");
        err.to_string().lines().take(2).map(str::to_owned).collect()
    };
    assert_eq!(
        first_two(&elements),
        ["a row has 8 field(s), the header 7", "  --> r:40002:48"]
    );
    let bad_elements = format!("{E_HEAD}\"a\",\"BusinessActor\"\r\n");
    assert_eq!(
        first_two(&bad_elements),
        ["a row has 2 field(s), the header 5", "  --> e:2:1"]
    );
}

/// An end that names a relationship further down `relations.csv` (not yet read when its
/// row is) leads to that relationship's element, as one named before it does.
#[test]
fn a_relationship_ending_at_one_further_down_leads_to_its_element() {
    let elements = format!(
        "{E_HEAD}\"a\",\"BusinessActor\",\"A\",\"\",\"\"\r\n\"c1\",\"ApplicationComponent\",\"C1\",\"\",\"\"\r\n\"c2\",\"ApplicationComponent\",\"C2\",\"\",\"\"\r\n"
    );
    let relations = format!(
        "{R_HEAD}\"r1\",\"AssociationRelationship\",\"\",\"\",\"a\",\"r2\",\"\"\r\n\"r2\",\"FlowRelationship\",\"\",\"\",\"c1\",\"c2\",\"\"\r\n\"r3\",\"AssociationRelationship\",\"\",\"\",\"r2\",\"a\",\"\"\r\n"
    );
    let imp = import_texts(&elements, &relations, P_HEAD).expect("reads");
    let m = imp.model;
    // Id, kind, from, to, and the relationships kept for the source and the target.
    type Row<'m> = (
        Option<&'m str>,
        &'m str,
        &'m str,
        &'m str,
        Option<&'m str>,
        Option<&'m str>,
    );
    let ends: Vec<Row<'_>> = m
        .relations()
        .map(|r| {
            let prop = |key: &str| r.properties().find(|(k, _)| *k == key).map(|(_, v)| v);
            (
                r.id(),
                r.kind().as_str(),
                r.from().id().as_str(),
                r.to().id().as_str(),
                prop("archimate:source-relationship"),
                prop("archimate:target-relationship"),
            )
        })
        .collect();
    assert_eq!(
        ends,
        [
            (Some("r1"), "linked", "a", "c2", None, Some("r2")),
            (Some("r2"), "flow", "c1", "c2", None, None),
            (Some("r3"), "linked", "c1", "a", Some("r2"), None),
        ]
    );
    // Each names the row of relations.csv it is about.
    let places: Vec<(&str, Option<u64>)> = imp
        .warnings
        .iter()
        .map(|w| (w.file.as_str(), w.line))
        .collect();
    assert_eq!(places, [("r", Some(2)), ("r", Some(4)), ("e", None)]);
    let warnings: Vec<&str> = imp.warnings.iter().map(|w| w.message.as_str()).collect();
    let at_relationship = |id: &str| {
        format!(
            "relationship `{id}` (Association) ends at another relationship: kept as `linked` between their elements, the relationship in `archimate:source-relationship`/`archimate:target-relationship`"
        )
    };
    assert_eq!(
        warnings,
        [
            at_relationship("r1").as_str(),
            at_relationship("r3").as_str(),
            "the flow from `c1` to `c2` carries no `data` (in the imported model at relations[1])",
        ]
    );
}

/// Every dangling reference is reported, but only the first 20 look for a suggestion
/// (each looks through every identifier), as in the exchange format's reader.
#[test]
fn only_the_first_twenty_dangling_references_get_a_suggestion() {
    let elements = format!("{E_HEAD}\"a1\",\"BusinessActor\",\"A\",\"\",\"\"\r\n");
    let relations = relations_csv(15, |_, row| {
        row[4] = "a1".to_owned();
        row[5] = "a1x".to_owned();
    });
    let properties = "\"a1x\",\"k\",\"v\"\r\n".repeat(10);
    let err = import_texts(&elements, &relations, &format!("{P_HEAD}{properties}"))
        .expect_err("dangling");
    let text = err.to_string();
    let count = |s: &str| text.lines().filter(|l| l.contains(s)).count();
    assert_eq!(count("which is no element or relationship"), 25, "{text}");
    assert_eq!(count("help: did you mean `a1`?"), 20, "{text}");
    // The last with a suggestion is the fifth property row; the sixth has none.
    assert!(
        text.contains("property `k` is for `a1x`, which is no element or relationship\n  --> p:6:1\nhelp: did you mean `a1`?\nerror: property `k` is for `a1x`, which is no element or relationship\n  --> p:7:1\nerror:"),
        "{text}"
    );
}

/// A writer that takes `room` bytes and then fails, counting the writes tried after.
#[derive(Debug)]
struct Full {
    room: usize,
    taken: Vec<u8>,
    refused: usize,
}

impl std::io::Write for Full {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if self.taken.len() + b.len() > self.room {
            self.refused += 1;
            return Err(std::io::Error::other("disk full"));
        }
        self.taken.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_csv_streams_what_export_csv_returns_and_stops_at_a_failing_writer() {
    let m = te24();
    let whole = export(&m);
    let (e, r, p) = write_csv(
        &m,
        &ExportOptions::default(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    )
    .expect("exports");
    assert_eq!(
        (e, r, p),
        (
            whole.elements.clone(),
            whole.relations.clone(),
            whole.properties.clone()
        )
    );
    let mut full = Full {
        room: 100,
        taken: Vec::new(),
        refused: 0,
    };
    let err = write_csv(
        &m,
        &ExportOptions::default(),
        Vec::new(),
        Vec::new(),
        &mut full,
    )
    .expect_err("properties.csv cannot be written");
    assert!(
        matches!(err, ecograph_interop::Error::Write { .. }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "cannot write the output");
    // The byte order mark went through; the first full buffer was refused, and no row
    // was tried after it: the second refusal is the csv writer's flush as it is dropped.
    assert_eq!(full.taken, b"\xEF\xBB\xBF");
    assert_eq!(full.refused, 2);
    // Over three of the csv writer's 64 KiB buffers, so rows went on after the failure.
    assert!(whole.properties.len() > 3 << 16);
}

/// The bad CSV fixtures (Archi's `\r\n` line ends) with `\n` line ends get the same
/// messages, at the same lines: the csv crate places a record after a `\n`, but after
/// the `\r` of a `\r\n`, and every line was one too far in a file with `\n` alone.
#[test]
fn every_bad_csv_case_gets_the_same_message_with_lf_line_ends() {
    let dir = crate::fixture("bad/csv");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let read = |n: &str| {
            std::fs::read_to_string(case.join(n))
                .ok()
                .map(|s| s.replace("\r\n", "\n").into_bytes())
        };
        assert!(
            read("elements.csv").is_some_and(|e| !e.is_empty()),
            "{}",
            case.display()
        );
        let (elements, relations, properties) = (
            read("elements.csv"),
            read("relations.csv"),
            read("properties.csv"),
        );
        let case_name = case.file_name().and_then(|x| x.to_str()).unwrap_or("");
        let names =
            ["elements.csv", "relations.csv", "properties.csv"].map(|n| format!("{case_name}/{n}"));
        let err = import_csv(
            elements.as_deref().unwrap_or_default(),
            relations.as_deref(),
            properties.as_deref(),
            [&names[0], &names[1], &names[2]],
        )
        .expect_err("bad");
        let want = std::fs::read_to_string(case.join("expected.err")).expect("expected.err");
        assert_eq!(err.to_string(), want.trim_end_matches('\n'), "{case_name}");
    }
}

/// The same file with other delimiters, as a spreadsheet saves it: every record
/// rewritten with `delimiter`, a `#` comment line first (after the byte order mark).
fn redelimited(file: &[u8], delimiter: u8) -> Vec<u8> {
    let body = file.strip_prefix("\u{feff}".as_bytes()).unwrap_or(file);
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body);
    let mut out = "\u{feff}# saved by a spreadsheet\r\n".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        for rec in rd.records() {
            w.write_record(&rec.expect("a record")).expect("written");
        }
        w.flush().expect("flushed");
    }
    out
}

/// Archi reads `;`- and tab-separated files and `#` comment lines (a spreadsheet in a
/// locale with a decimal comma saves `;`): they give the same model as Archi's own `,`.
#[test]
fn semicolon_and_tab_separated_files_with_comments_import_as_the_comma_ones() {
    let m = te24();
    let files = export(&m);
    for delimiter in [b';', b'\t'] {
        let [e, r, p] = [&files.elements, &files.relations, &files.properties]
            .map(|f| redelimited(f, delimiter));
        let back = import_csv(&e[..], Some(&r[..]), Some(&p[..]), ["e", "r", "p"])
            .unwrap_or_else(|err| panic!("{}: {err}", delimiter as char));
        assert_eq!(back.model.to_canonical_json(), m.to_canonical_json());
    }
}

/// Messages place fields by the file's own delimiter.
#[test]
fn a_semicolon_file_reports_the_column_of_the_bad_field() {
    let elements = "\"ID\";\"Type\";\"Name\";\"Documentation\";\"Specialization\"\n\
                    \"m\";\"ArchimateModel\";\"M\";\"\";\"\"\n\
                    \"a\";\"NoSuchType\";\"A\";\"\";\"\"\n";
    let relations =
        "\"ID\";\"Type\";\"Name\";\"Documentation\";\"Source\";\"Target\";\"Specialization\"\n";
    let err = import_texts(elements, relations, "\"ID\";\"Key\";\"Value\"\n")
        .expect_err("an unknown type");
    let text = err.to_string();
    assert!(text.contains("unknown element type `NoSuchType`"), "{text}");
    assert!(text.contains("e:3:5"), "{text}");
}

/// The rows of `file` (a CSV file as exported) whose fields at `columns` are none of
/// `ids`, the header kept.
fn without_rows(file: &[u8], columns: &[usize], ids: &[&str]) -> Vec<u8> {
    let body = file.strip_prefix("\u{feff}".as_bytes()).unwrap_or(file);
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body);
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for rec in rd.records() {
            let rec = rec.expect("a record");
            if !columns
                .iter()
                .any(|&c| rec.get(c).is_some_and(|f| ids.contains(&f)))
            {
                w.write_record(&rec).expect("written");
            }
        }
        w.flush().expect("flushed");
    }
    out
}

/// An element deleted in a spreadsheet (or in Archi) that a view chose by id: the
/// selector is dropped with a warning, and everything else imports.
#[test]
fn an_element_deleted_since_the_export_drops_its_view_selector_not_the_import() {
    let files = export(&te24());
    // The element, its relationships, and their properties, as Archi deletes them.
    let mut gone: Vec<String> = vec!["vtjp".into()];
    let mut rd = csv::ReaderBuilder::new().from_reader(&files.relations[3..]);
    for rec in rd.records() {
        let rec = rec.expect("a record");
        if rec.get(4) == Some("vtjp") || rec.get(5) == Some("vtjp") {
            gone.push(rec.get(0).expect("an id").to_owned());
        }
    }
    let gone: Vec<&str> = gone.iter().map(String::as_str).collect();
    let elements = without_rows(&files.elements, &[0], &gone);
    let relations = without_rows(&files.relations, &[0], &gone);
    let properties = without_rows(&files.properties, &[0], &gone);
    let imported = import_csv(
        &elements[..],
        Some(&relations[..]),
        Some(&properties[..]),
        ["e", "r", "p"],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(imported.model.element("vtjp").is_none());
    assert!(
        imported.warnings.iter().any(|w| w
            .to_string()
            .contains("view `tj-packages`: the include selector of `vtjp` is dropped")),
        "{:?}",
        imported.warnings
    );
    let view = imported
        .model
        .views()
        .iter()
        .find(|v| v.id == "tj-packages")
        .expect("the view is kept");
    assert!(!view.include.is_empty());
}
