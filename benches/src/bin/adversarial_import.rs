//! Hostile inputs for `ecograph import` (ArchiMate exchange files and Archi's CSV
//! folders) and hostile models for `ecograph export`, one shape per dimension, each
//! written at a size `n` and run under a time and an address-space limit; prints a
//! Markdown table of wall time, CPU time, their growth from the previous size and peak
//! RSS. Near-linear means about 10× from 10k to 100k.
//!
//! ```text
//! cargo build --release -p ecograph-cli -p ecograph-benches
//! nice target/release/adversarial_import [--bin target/release/ecograph]
//!     [--dir target/adversarial-import] [--sizes 10000,100000] [--shapes x-dangling,…]
//!     [--timeout 60] [--mem-limit-mb 4096] [--list]
//! ```
//!
//! `--list` prints the shapes with what each is. Needs `/usr/bin/time`, `timeout` and
//! `prlimit`.

use ecograph_benches::adversarial::Shape as ModelShape;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" identifier=\"m\">\n<name xml:lang=\"en\">hostile</name>\n";

/// What a shape writes: an exchange file, a CSV folder, or a model to export.
#[derive(Clone, Copy)]
enum Kind {
    Xml(fn(usize, &mut dyn Write) -> io::Result<()>),
    Csv(fn(usize, &Path) -> io::Result<()>),
    Export(ModelShape, &'static str),
    /// A model written here, to export in a format.
    ExportModel(fn(usize, &mut dyn Write) -> io::Result<()>, &'static str),
}

struct Hostile {
    name: &'static str,
    what: &'static str,
    kind: Kind,
}

fn elements(w: &mut dyn Write, n: usize, typ: &str) -> io::Result<()> {
    for i in 0..n {
        writeln!(
            w,
            "<element identifier=\"e{i}\" xsi:type=\"{typ}\"><name xml:lang=\"en\">E {i}</name></element>"
        )?;
    }
    Ok(())
}

fn x_props(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(
        w,
        "{HEAD}<elements><element identifier=\"e0\" xsi:type=\"Node\"><name>a</name><properties>"
    )?;
    for i in 0..n {
        write!(
            w,
            "<property propertyDefinitionRef=\"p{i}\"><value>v{i}</value></property>"
        )?;
    }
    write!(w, "</properties></element></elements><propertyDefinitions>")?;
    for i in 0..n {
        write!(
            w,
            "<propertyDefinition identifier=\"p{i}\" type=\"string\"><name>k{i}</name></propertyDefinition>"
        )?;
    }
    writeln!(w, "</propertyDefinitions></model>")
}

fn x_same_prop(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(
        w,
        "{HEAD}<elements><element identifier=\"e0\" xsi:type=\"Node\"><name>a</name><properties>"
    )?;
    for i in 0..n {
        write!(
            w,
            "<property propertyDefinitionRef=\"p\"><value>v{i}</value></property>"
        )?;
    }
    writeln!(
        w,
        "</properties></element></elements><propertyDefinitions><propertyDefinition identifier=\"p\" type=\"number\"><name>k</name></propertyDefinition></propertyDefinitions></model>"
    )
}

fn x_value_langs(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(
        w,
        "{HEAD}<elements><element identifier=\"e0\" xsi:type=\"Node\"><name>a</name><properties><property propertyDefinitionRef=\"p\">"
    )?;
    for i in 0..n {
        write!(w, "<value xml:lang=\"l{i}\">v</value>")?;
    }
    writeln!(
        w,
        "</property></properties></element></elements><propertyDefinitions><propertyDefinition identifier=\"p\"><name>k</name></propertyDefinition></propertyDefinitions></model>"
    )
}

fn x_name_langs(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(
        w,
        "{HEAD}<elements><element identifier=\"e0\" xsi:type=\"Node\">"
    )?;
    for i in 0..n {
        write!(
            w,
            "<name xml:lang=\"l{i}\">n</name><documentation xml:lang=\"l{i}\">d</documentation>"
        )?;
    }
    writeln!(
        w,
        "</element><element identifier=\"e1\" xsi:type=\"Node\"><name xml:lang=\"l0\">x</name></element></elements></model>"
    )
}

fn x_listed_langs(n: usize, w: &mut dyn Write) -> io::Result<()> {
    // A model in n languages (as an export records them) whose n elements are each named
    // in the first only.
    let (elems, langs) = (n.isqrt().max(1), n.isqrt().max(1));
    write!(
        w,
        "{HEAD}<properties><property propertyDefinitionRef=\"pl\"><value>"
    )?;
    for i in 0..langs {
        write!(w, "l{i} ")?;
    }
    write!(w, "</value></property></properties><elements>")?;
    for i in 0..elems {
        write!(
            w,
            "<element identifier=\"e{i}\" xsi:type=\"Node\"><name xml:lang=\"l0\">n</name></element>"
        )?;
    }
    writeln!(
        w,
        "</elements><propertyDefinitions><propertyDefinition identifier=\"pl\"><name>ecograph:languages</name></propertyDefinition></propertyDefinitions></model>"
    )
}

fn x_dup_langs(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(
        w,
        "{HEAD}<elements><element identifier=\"e0\" xsi:type=\"Node\">"
    )?;
    for _ in 0..n {
        write!(w, "<name xml:lang=\"en\">n</name>")?;
    }
    writeln!(w, "</element></elements></model>")
}

fn x_deep_items(n: usize, w: &mut dyn Write) -> io::Result<()> {
    // Within the reader's depth limit (10,000 levels).
    let d = n.min(9_000);
    write!(w, "{HEAD}<elements>")?;
    elements(w, 1, "Node")?;
    write!(w, "</elements><organizations>")?;
    for i in 0..d {
        write!(w, "<item><label>f{i}</label><item identifierRef=\"e0\"/>")?;
    }
    for _ in 0..d {
        write!(w, "</item>")?;
    }
    writeln!(w, "</organizations></model>")
}

fn x_deep_folder(n: usize, w: &mut dyn Write) -> io::Result<()> {
    // n elements in one folder n levels deep (at most 9,000).
    let d = n.min(9_000);
    write!(w, "{HEAD}<elements>")?;
    elements(w, n, "Node")?;
    write!(w, "</elements><organizations>")?;
    for i in 0..d {
        write!(w, "<item><label>f{i}</label>")?;
    }
    for i in 0..n {
        write!(w, "<item identifierRef=\"e{i}\"/>")?;
    }
    for _ in 0..d {
        write!(w, "</item>")?;
    }
    writeln!(w, "</organizations></model>")
}

fn x_long_label_folder(n: usize, w: &mut dyn Write) -> io::Result<()> {
    // n elements in one folder whose label is n bytes long.
    write!(w, "{HEAD}<elements>")?;
    elements(w, n, "Node")?;
    write!(w, "</elements><organizations><item><label>")?;
    w.write_all(&vec![b'f'; n])?;
    write!(w, "</label>")?;
    for i in 0..n {
        write!(w, "<item identifierRef=\"e{i}\"/>")?;
    }
    writeln!(w, "</item></organizations></model>")
}

fn x_wide_items(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, n, "Node")?;
    write!(w, "</elements><organizations>")?;
    for i in 0..n {
        write!(
            w,
            "<item><label>f{i}</label><item identifierRef=\"e{i}\"/></item>"
        )?;
    }
    writeln!(w, "</organizations></model>")
}

fn x_same_item(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, 1, "Node")?;
    write!(w, "</elements><organizations><item><label>f</label>")?;
    for _ in 0..n {
        write!(w, "<item identifierRef=\"e0\"/>")?;
    }
    writeln!(w, "</item></organizations></model>")
}

fn view_head(w: &mut dyn Write) -> io::Result<()> {
    write!(
        w,
        "<views><diagrams><view identifier=\"v\" xsi:type=\"Diagram\"><name>v</name>"
    )
}

fn x_deep_nodes(n: usize, w: &mut dyn Write) -> io::Result<()> {
    let d = n.min(9_000);
    write!(w, "{HEAD}<elements>")?;
    elements(w, d, "Node")?;
    write!(w, "</elements>")?;
    view_head(w)?;
    for i in 0..d {
        write!(
            w,
            "<node identifier=\"n{i}\" elementRef=\"e{i}\" xsi:type=\"Element\" x=\"1\" y=\"1\" w=\"1\" h=\"1\">"
        )?;
    }
    for _ in 0..d {
        write!(w, "</node>")?;
    }
    writeln!(w, "</view></diagrams></views></model>")
}

fn x_wide_nodes(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, n, "Node")?;
    write!(w, "</elements>")?;
    view_head(w)?;
    for i in 0..n {
        write!(
            w,
            "<node identifier=\"n{i}\" elementRef=\"e{i}\" xsi:type=\"Element\" x=\"1\" y=\"1\" w=\"1\" h=\"1\"/>"
        )?;
    }
    writeln!(w, "</view></diagrams></views></model>")
}

fn x_same_node(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, 1, "Node")?;
    write!(w, "</elements>")?;
    view_head(w)?;
    for i in 0..n {
        write!(
            w,
            "<node identifier=\"n{i}\" elementRef=\"e0\" xsi:type=\"Element\" x=\"1\" y=\"1\" w=\"1\" h=\"1\"/>"
        )?;
    }
    writeln!(w, "</view></diagrams></views></model>")
}

fn x_connections(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, 2, "Node")?;
    write!(
        w,
        "</elements><relationships><relationship identifier=\"r\" source=\"e0\" target=\"e1\" xsi:type=\"Flow\"/></relationships>"
    )?;
    view_head(w)?;
    write!(
        w,
        "<node identifier=\"n0\" elementRef=\"e0\" xsi:type=\"Element\"/><node identifier=\"n1\" elementRef=\"e1\" xsi:type=\"Element\"/>"
    )?;
    for i in 0..n {
        write!(
            w,
            "<connection identifier=\"c{i}\" relationshipRef=\"r\" xsi:type=\"Relationship\" source=\"n0\" target=\"n1\"><bendpoint x=\"1\" y=\"2\"/></connection>"
        )?;
    }
    writeln!(w, "</view></diagrams></views></model>")
}

fn x_connection_chain(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, 2, "Node")?;
    write!(w, "</elements>")?;
    view_head(w)?;
    write!(
        w,
        "<node identifier=\"n0\" elementRef=\"e0\" xsi:type=\"Element\"/><node identifier=\"n1\" elementRef=\"e1\" xsi:type=\"Element\"/>"
    )?;
    write!(
        w,
        "<connection identifier=\"c0\" xsi:type=\"Line\" source=\"n0\" target=\"n1\"/>"
    )?;
    for i in 1..n {
        write!(
            w,
            "<connection identifier=\"c{i}\" xsi:type=\"Line\" source=\"c{}\" target=\"n1\"/>",
            i - 1
        )?;
    }
    writeln!(w, "</view></diagrams></views></model>")
}

fn x_rel_chain(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, 2, "Node")?;
    write!(
        w,
        "</elements><relationships><relationship identifier=\"r0\" source=\"e0\" target=\"e1\" xsi:type=\"Association\"/>"
    )?;
    for i in 1..n {
        write!(
            w,
            "<relationship identifier=\"r{i}\" source=\"r{}\" target=\"e1\" xsi:type=\"Association\"/>",
            i - 1
        )?;
    }
    writeln!(w, "</relationships></model>")
}

fn x_rel_cycle(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, 2, "Node")?;
    write!(w, "</elements><relationships>")?;
    for i in 0..n {
        write!(
            w,
            "<relationship identifier=\"r{i}\" source=\"r{}\" target=\"e1\" xsi:type=\"Association\"/>",
            (i + 1) % n
        )?;
    }
    writeln!(w, "</relationships></model>")
}

fn x_parallel_rels(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, 2, "ApplicationComponent")?;
    write!(w, "</elements><relationships>")?;
    for i in 0..n {
        write!(
            w,
            "<relationship identifier=\"r{i}\" source=\"e0\" target=\"e1\" xsi:type=\"Flow\"/>"
        )?;
    }
    writeln!(w, "</relationships></model>")
}

fn x_trigger_ring(n: usize, w: &mut dyn Write) -> io::Result<()> {
    // Work packages triggering each other in one ring (a Triggering is a `depends_on`
    // from its target to its source): the one read from each relationship reaches back
    // along all those read before it.
    write!(w, "{HEAD}<elements>")?;
    elements(w, n, "WorkPackage")?;
    write!(w, "</elements><relationships>")?;
    for i in 0..n - 1 {
        write!(
            w,
            "<relationship identifier=\"r{i}\" source=\"e{i}\" target=\"e{}\" xsi:type=\"Triggering\"/>",
            i + 1
        )?;
    }
    write!(
        w,
        "<relationship identifier=\"r{}\" source=\"e{}\" target=\"e0\" xsi:type=\"Triggering\"/>",
        n - 1,
        n - 1
    )?;
    writeln!(w, "</relationships></model>")
}

fn x_parent_chain(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, n, "Node")?;
    write!(w, "</elements><relationships>")?;
    for i in 1..n {
        write!(
            w,
            "<relationship identifier=\"r{i}\" source=\"e{}\" target=\"e{i}\" xsi:type=\"Composition\"/>",
            i - 1
        )?;
    }
    writeln!(w, "</relationships></model>")
}

fn x_groupings(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, n, "Node")?;
    for i in 0..n {
        write!(
            w,
            "<element identifier=\"g{i}\" xsi:type=\"Grouping\"><name>g</name><properties><property propertyDefinitionRef=\"pg\"><value>e{i}</value></property></properties></element>"
        )?;
    }
    write!(w, "</elements><relationships>")?;
    for i in 1..n {
        write!(
            w,
            "<relationship identifier=\"r{i}\" source=\"g{}\" target=\"e{i}\" xsi:type=\"Composition\"><properties><property propertyDefinitionRef=\"pr\"><value>parent</value></property></properties></relationship>",
            i - 1
        )?;
    }
    writeln!(
        w,
        "</relationships><propertyDefinitions><propertyDefinition identifier=\"pg\"><name>ecograph:grouping-of</name></propertyDefinition><propertyDefinition identifier=\"pr\"><name>ecograph:relation</name></propertyDefinition></propertyDefinitions></model>"
    )
}

fn x_dup_ids(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    for _ in 0..n {
        write!(w, "<element identifier=\"e\" xsi:type=\"Node\"/>")?;
    }
    writeln!(w, "</elements></model>")
}

fn x_same_ecograph_id(n: usize, w: &mut dyn Write) -> io::Result<()> {
    // Distinct identifiers that all sanitize to one ecograph id.
    write!(w, "{HEAD}<elements>")?;
    for i in 0..n {
        // Eight characters outside the id syntax, i in base 8: each id is `a--------`.
        let tail: String = (0..8)
            .map(|k| ['!', '?', '*', '+', '$', '%', '(', ')'][(i >> (3 * k)) & 7])
            .collect();
        write!(w, "<element identifier=\"a{tail}\" xsi:type=\"Node\"/>")?;
    }
    writeln!(w, "</elements></model>")
}

fn x_dangling(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    elements(w, n, "Node")?;
    write!(w, "</elements><relationships>")?;
    for i in 0..n {
        write!(
            w,
            "<relationship identifier=\"r{i}\" source=\"e{i}\" target=\"x{i}\" xsi:type=\"Flow\"/>"
        )?;
    }
    writeln!(w, "</relationships></model>")
}

fn x_unknown_types(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements>")?;
    for i in 0..n {
        write!(w, "<element identifier=\"e{i}\" xsi:type=\"Nodee{i}\"/>")?;
    }
    writeln!(w, "</elements></model>")
}

fn x_char_refs(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(
        w,
        "{HEAD}<elements><element identifier=\"e0\" xsi:type=\"Node\"><name>"
    )?;
    for _ in 0..n {
        write!(w, "&#x41;&amp;")?;
    }
    writeln!(w, "</name></element></elements></model>")
}

fn x_attr_refs(n: usize, w: &mut dyn Write) -> io::Result<()> {
    write!(w, "{HEAD}<elements><element identifier=\"e")?;
    for _ in 0..n {
        write!(w, "&#x41;&amp;")?;
    }
    writeln!(w, "\" xsi:type=\"Node\"/></elements></model>")
}

fn x_long_id(n: usize, w: &mut dyn Write) -> io::Result<()> {
    // An element whose identifier is n bytes long and a relationship to the same
    // identifier with its last byte changed (a dangling reference with a suggestion).
    let id = "i".repeat(n);
    write!(
        w,
        "{HEAD}<elements><element identifier=\"{id}\" xsi:type=\"Node\"/><element identifier=\"e\" xsi:type=\"Node\"/></elements>"
    )?;
    writeln!(
        w,
        "<relationships><relationship identifier=\"r\" source=\"e\" target=\"{id}j\" xsi:type=\"Flow\"/></relationships></model>"
    )
}

fn x_long_dangling(n: usize, w: &mut dyn Write) -> io::Result<()> {
    // 20 dangling references n/20 bytes long, each next to an element's identifier.
    let id = "i".repeat(n / 20);
    write!(
        w,
        "{HEAD}<elements><element identifier=\"e\" xsi:type=\"Node\"/>"
    )?;
    for k in 0..20 {
        write!(w, "<element identifier=\"{id}{k}\" xsi:type=\"Node\"/>")?;
    }
    write!(w, "</elements><relationships>")?;
    for k in 0..20 {
        write!(
            w,
            "<relationship identifier=\"r{k}\" source=\"e\" target=\"{id}x{k}\" xsi:type=\"Flow\"/>"
        )?;
    }
    writeln!(w, "</relationships></model>")
}

fn m_views_relations(n: usize, w: &mut dyn Write) -> io::Result<()> {
    // n systems in a flow chain and n views of one system each.
    write!(w, "{{\"ecograph\":1,\"elements\":[")?;
    for i in 0..n {
        let comma = if i > 0 { "," } else { "" };
        write!(
            w,
            "{comma}{{\"id\":\"s{i}\",\"kind\":\"system\",\"name\":\"S {i}\"}}"
        )?;
    }
    write!(w, "],\"relations\":[")?;
    for i in 1..n {
        let comma = if i > 1 { "," } else { "" };
        write!(
            w,
            "{comma}{{\"kind\":\"flow\",\"from\":\"s{}\",\"to\":\"s{i}\"}}",
            i - 1
        )?;
    }
    write!(w, "],\"views\":[")?;
    for i in 0..n {
        let comma = if i > 0 { "," } else { "" };
        write!(
            w,
            "{comma}{{\"id\":\"v{i}\",\"include\":[{{\"id\":\"s{i}\"}}]}}"
        )?;
    }
    writeln!(w, "]}}")
}

const CSV_EL: &str = "\"ID\",\"Type\",\"Name\",\"Documentation\",\"Specialization\"\n";
const CSV_REL: &str =
    "\"ID\",\"Type\",\"Name\",\"Documentation\",\"Source\",\"Target\",\"Specialization\"\n";
const CSV_PROP: &str = "\"ID\",\"Key\",\"Value\"\n";

fn csv_files(dir: &Path, el: &[u8], rel: Option<&[u8]>, prop: Option<&[u8]>) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in ["elements.csv", "relations.csv", "properties.csv"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    std::fs::write(dir.join("elements.csv"), el)?;
    if let Some(r) = rel {
        std::fs::write(dir.join("relations.csv"), r)?;
    }
    if let Some(p) = prop {
        std::fs::write(dir.join("properties.csv"), p)?;
    }
    Ok(())
}

fn csv_elements(n: usize) -> String {
    let mut s = String::from(CSV_EL);
    for i in 0..n {
        s.push_str(&format!("\"e{i}\",\"Node\",\"E {i}\",\"\",\"\"\n"));
    }
    s
}

fn c_wide_row(n: usize, dir: &Path) -> io::Result<()> {
    let mut s = String::from("\"ID\",\"Type\",\"Name\",\"Documentation\",\"Specialization\"");
    for i in 0..n {
        s.push_str(&format!(",\"x{i}\""));
    }
    s.push_str("\n\"e0\",\"Node\",\"a\",\"\",\"\"");
    for _ in 0..n {
        s.push_str(",\"y\"");
    }
    s.push('\n');
    csv_files(dir, s.as_bytes(), None, None)
}

fn c_quotes(n: usize, dir: &Path) -> io::Result<()> {
    let mut s = String::from(CSV_EL);
    s.push_str("\"e0\",\"Node\",\"");
    s.push_str(&"\"\"".repeat(n));
    s.push_str("\",\"\",\"\"\n");
    csv_files(dir, s.as_bytes(), None, None)
}

fn c_props(n: usize, dir: &Path) -> io::Result<()> {
    let mut p = String::from(CSV_PROP);
    for i in 0..n {
        p.push_str(&format!("\"e0\",\"k{i}\",\"v\"\n"));
    }
    csv_files(dir, csv_elements(1).as_bytes(), None, Some(p.as_bytes()))
}

fn c_same_prop(n: usize, dir: &Path) -> io::Result<()> {
    let mut p = String::from(CSV_PROP);
    for i in 0..n {
        p.push_str(&format!("\"e0\",\"k\",\"v{i}\"\n"));
    }
    csv_files(dir, csv_elements(1).as_bytes(), None, Some(p.as_bytes()))
}

fn c_parallel(n: usize, dir: &Path) -> io::Result<()> {
    let mut r = String::from(CSV_REL);
    for i in 0..n {
        r.push_str(&format!(
            "\"r{i}\",\"FlowRelationship\",\"\",\"\",\"e0\",\"e1\",\"\"\n"
        ));
    }
    csv_files(dir, csv_elements(2).as_bytes(), Some(r.as_bytes()), None)
}

fn c_dup_ids(n: usize, dir: &Path) -> io::Result<()> {
    let mut s = String::from(CSV_EL);
    for _ in 0..n {
        s.push_str("\"e\",\"Node\",\"a\",\"\",\"\"\n");
    }
    csv_files(dir, s.as_bytes(), None, None)
}

fn c_errors(n: usize, dir: &Path) -> io::Result<()> {
    let mut s = String::from(CSV_EL);
    for i in 0..n {
        s.push_str(&format!("\"e{i}\",\"Nodee\",\"a\",\"\",\"\"\n"));
    }
    csv_files(dir, s.as_bytes(), None, None)
}

fn c_dangling(n: usize, dir: &Path) -> io::Result<()> {
    let mut r = String::from(CSV_REL);
    for i in 0..n {
        r.push_str(&format!(
            "\"r{i}\",\"FlowRelationship\",\"\",\"\",\"e{i}\",\"x{i}\",\"\"\n"
        ));
    }
    let mut p = String::from(CSV_PROP);
    for i in 0..n {
        p.push_str(&format!("\"y{i}\",\"k\",\"v\"\n"));
    }
    csv_files(
        dir,
        csv_elements(n).as_bytes(),
        Some(r.as_bytes()),
        Some(p.as_bytes()),
    )
}

fn c_long_dangling(n: usize, dir: &Path) -> io::Result<()> {
    let id = "i".repeat(n / 20);
    let mut s = String::from(CSV_EL);
    s.push_str("\"e\",\"Node\",\"a\",\"\",\"\"\n");
    for k in 0..20 {
        s.push_str(&format!("\"{id}{k}\",\"Node\",\"a\",\"\",\"\"\n"));
    }
    let mut r = String::from(CSV_REL);
    for k in 0..20 {
        r.push_str(&format!(
            "\"r{k}\",\"FlowRelationship\",\"\",\"\",\"e\",\"{id}x{k}\",\"\"\n"
        ));
    }
    csv_files(dir, s.as_bytes(), Some(r.as_bytes()), None)
}

fn shapes() -> Vec<Hostile> {
    let x = |name, what, f| Hostile {
        name,
        what,
        kind: Kind::Xml(f),
    };
    let c = |name, what, f| Hostile {
        name,
        what,
        kind: Kind::Csv(f),
    };
    let mut v = vec![
        x(
            "x-props",
            "one element with n properties of n definitions",
            x_props as fn(usize, &mut dyn Write) -> io::Result<()>,
        ),
        x(
            "x-same-prop",
            "one element with n properties of one (number) definition",
            x_same_prop,
        ),
        x(
            "x-value-langs",
            "one property value in n languages",
            x_value_langs,
        ),
        x(
            "x-name-langs",
            "a name and a documentation in n languages",
            x_name_langs,
        ),
        x(
            "x-listed-langs",
            "√n listed languages, √n elements named in the first only",
            x_listed_langs,
        ),
        x(
            "x-dup-langs",
            "a name given n times in the same language",
            x_dup_langs,
        ),
        x(
            "x-deep-items",
            "organization items nested min(n, 9000) deep, each referring to one element",
            x_deep_items,
        ),
        x(
            "x-deep-folder",
            "n elements in one folder min(n, 9000) levels deep",
            x_deep_folder,
        ),
        x(
            "x-long-label-folder",
            "n elements in one folder whose label is n bytes",
            x_long_label_folder,
        ),
        x(
            "x-wide-items",
            "n sibling folders, one element in each",
            x_wide_items,
        ),
        x(
            "x-same-item",
            "one folder referring to the same element n times",
            x_same_item,
        ),
        x(
            "x-deep-nodes",
            "view nodes nested min(n, 9000) deep",
            x_deep_nodes,
        ),
        x(
            "x-wide-nodes",
            "n sibling view nodes of n elements",
            x_wide_nodes,
        ),
        x(
            "x-same-node",
            "n view nodes of the same element",
            x_same_node,
        ),
        x(
            "x-connections",
            "n connections between two nodes",
            x_connections,
        ),
        x(
            "x-connection-chain",
            "n connections, each from the one before",
            x_connection_chain,
        ),
        x(
            "x-rel-chain",
            "n relationships, each from the one before",
            x_rel_chain,
        ),
        x(
            "x-rel-cycle",
            "n relationships, each from the next, in a cycle",
            x_rel_cycle,
        ),
        x(
            "x-parallel-rels",
            "n Flows between the same two elements",
            x_parallel_rels,
        ),
        x(
            "x-trigger-ring",
            "n work packages triggering each other in a ring",
            x_trigger_ring,
        ),
        x(
            "x-parent-chain",
            "n elements, each composed in the one before",
            x_parent_chain,
        ),
        x(
            "x-groupings",
            "n Groupings standing for parents, in a chain",
            x_groupings,
        ),
        x(
            "x-dup-ids",
            "n elements with the same identifier",
            x_dup_ids,
        ),
        x(
            "x-same-ecograph-id",
            "n identifiers that sanitize to one ecograph id",
            x_same_ecograph_id,
        ),
        x(
            "x-dangling",
            "n relationships to missing targets",
            x_dangling,
        ),
        x(
            "x-unknown-types",
            "n elements of unknown types",
            x_unknown_types,
        ),
        x("x-char-refs", "a name of 2n references", x_char_refs),
        x("x-attr-refs", "an identifier of 2n references", x_attr_refs),
        x(
            "x-long-id",
            "an identifier of n bytes, referred to with one byte added",
            x_long_id,
        ),
        x(
            "x-long-dangling",
            "20 dangling references of n/20 bytes, each near an identifier",
            x_long_dangling,
        ),
        c(
            "c-wide-row",
            "one row of n columns",
            c_wide_row as fn(usize, &Path) -> io::Result<()>,
        ),
        c("c-quotes", "a field of n escaped quotes", c_quotes),
        c("c-props", "n properties of one element", c_props),
        c("c-same-prop", "one property given n times", c_same_prop),
        c("c-parallel", "n relations between two elements", c_parallel),
        c("c-dup-ids", "n elements with the same ID", c_dup_ids),
        c("c-errors", "n rows of an unknown type", c_errors),
        c(
            "c-dangling",
            "n relations and n properties naming no concept",
            c_dangling,
        ),
        c(
            "c-long-dangling",
            "20 dangling references of n/20 bytes",
            c_long_dangling,
        ),
    ];
    for format in ["archimate", "csv", "graphml"] {
        let name: &'static str = Box::leak(format!("e-views-relations-{format}").into_boxed_str());
        v.push(Hostile {
            name,
            what: "n systems in a flow chain, n views of one system each",
            kind: Kind::ExportModel(m_views_relations, format),
        });
    }
    for (shape, what) in [
        (ModelShape::DeepTop, "unused"),
        (ModelShape::GroupChain, "a parent chain of n groups"),
        (ModelShape::TaskChain, "a parent chain of n tasks"),
        (
            ModelShape::RecentParentTree,
            "n groups, parents among the last three",
        ),
        (ModelShape::FlowChain, "n systems, each flowing to the next"),
        (ModelShape::DependsChain, "a depends_on chain of n tasks"),
        (ModelShape::LongId, "an id of n bytes"),
        (ModelShape::WideProperties, "one system with n properties"),
        (ModelShape::WideTags, "one system with n tags"),
        (ModelShape::ManyViews, "n views"),
        (ModelShape::DenseView, "a dense view"),
        (ModelShape::ManyLanguages, "n languages"),
    ] {
        if shape == ModelShape::DeepTop {
            continue;
        }
        for format in ["archimate", "csv", "graphml"] {
            let name: &'static str =
                Box::leak(format!("e-{}-{format}", shape.name()).into_boxed_str());
            v.push(Hostile {
                name,
                what,
                kind: Kind::Export(shape, format),
            });
        }
    }
    v
}

struct Config {
    bin: PathBuf,
    dir: PathBuf,
    sizes: Vec<usize>,
    only: Option<Vec<String>>,
    timeout: u64,
    mem_limit_mb: u64,
}

fn main() -> io::Result<()> {
    let mut c = Config {
        bin: PathBuf::from("target/release/ecograph"),
        dir: PathBuf::from("target/adversarial-import"),
        sizes: vec![10_000, 100_000],
        only: None,
        timeout: 60,
        mem_limit_mb: 4096,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    let bad = |m: String| io::Error::new(io::ErrorKind::InvalidInput, m);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or(bad(format!("`{flag}` needs a value")))
        };
        match flag.as_str() {
            "--bin" => c.bin = value()?.into(),
            "--dir" => c.dir = value()?.into(),
            "--sizes" => {
                c.sizes = value()?
                    .split(',')
                    .map(|s| s.parse().map_err(|_| bad(format!("bad size `{s}`"))))
                    .collect::<Result<_, _>>()?;
            }
            "--shapes" => c.only = Some(value()?.split(',').map(str::to_owned).collect()),
            "--timeout" => c.timeout = value()?.parse().map_err(|_| bad("bad --timeout".into()))?,
            "--mem-limit-mb" => {
                c.mem_limit_mb = value()?
                    .parse()
                    .map_err(|_| bad("bad --mem-limit-mb".into()))?;
            }
            "--list" => {
                for s in shapes() {
                    println!("{:<34} {}", s.name, s.what);
                }
                return Ok(());
            }
            _ => return Err(bad(format!("unknown argument `{flag}`"))),
        }
    }
    std::fs::create_dir_all(&c.dir)?;
    println!(
        "| shape | n | input MB | exit | time s | × prev | cpu s | cpu × prev | RSS MB | RSS / input |"
    );
    println!("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for s in shapes() {
        if c.only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|x| x == s.name))
        {
            continue;
        }
        let mut prev: Option<(f64, f64)> = None;
        for &n in &c.sizes {
            let out = c.dir.join("out.json");
            let (args, bytes): (Vec<String>, u64) = match s.kind {
                Kind::Xml(f) => {
                    let p = c.dir.join("in.xml");
                    let mut w = BufWriter::new(File::create(&p)?);
                    f(n, &mut w)?;
                    w.flush()?;
                    drop(w);
                    let args = vec![
                        "import".into(),
                        p.display().to_string(),
                        "--from".into(),
                        "archimate".into(),
                        "--out".into(),
                        out.display().to_string(),
                    ];
                    (args, std::fs::metadata(&p)?.len())
                }
                Kind::Csv(f) => {
                    let d = c.dir.join("csv");
                    f(n, &d)?;
                    let mut bytes = 0;
                    for e in std::fs::read_dir(&d)? {
                        bytes += e?.metadata()?.len();
                    }
                    let args = vec![
                        "import".into(),
                        d.display().to_string(),
                        "--from".into(),
                        "csv".into(),
                        "--out".into(),
                        out.display().to_string(),
                    ];
                    (args, bytes)
                }
                Kind::Export(..) | Kind::ExportModel(..) => {
                    let format = match s.kind {
                        Kind::Export(_, f) | Kind::ExportModel(_, f) => f,
                        _ => "",
                    };
                    let p = c.dir.join("model.json");
                    let mut w = BufWriter::new(File::create(&p)?);
                    match s.kind {
                        Kind::Export(shape, _) => shape.write_model(n, false, &mut w)?,
                        Kind::ExportModel(f, _) => f(n, &mut w)?,
                        _ => {}
                    }
                    w.flush()?;
                    drop(w);
                    let o = c.dir.join("export-out");
                    let _ = std::fs::remove_dir_all(&o);
                    let _ = std::fs::remove_file(&o);
                    let args = vec![
                        "export".into(),
                        p.display().to_string(),
                        "--format".into(),
                        format.into(),
                        "--out".into(),
                        o.display().to_string(),
                    ];
                    (args, std::fs::metadata(&p)?.len())
                }
            };
            let (code, secs, cpu, rss) = measure(&c, &args)?;
            let mb = bytes as f64 / 1e6;
            let g = |now: f64, before: Option<f64>| {
                before.map_or(String::new(), |b| format!("{:.1}", now / b.max(0.01)))
            };
            println!(
                "| {} | {} | {mb:.2} | {code} | {secs:.3} | {} | {cpu:.3} | {} | {rss:.0} | {:.1} |",
                s.name,
                n,
                g(secs, prev.map(|p| p.0)),
                g(cpu, prev.map(|p| p.1)),
                rss / mb.max(0.001)
            );
            prev = Some((secs, cpu));
        }
    }
    Ok(())
}

/// Runs `ecograph args` under `timeout` and `prlimit`: exit (or `killed`), wall and CPU
/// seconds, peak RSS in MB.
fn measure(c: &Config, args: &[String]) -> io::Result<(String, f64, f64, f64)> {
    let stats = c.dir.join("time.txt");
    let err = c.dir.join("stderr.txt");
    let start = std::time::Instant::now();
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%M %U %S", "-o"])
        .arg(&stats)
        .args(["timeout", "-s", "KILL"])
        .arg(c.timeout.to_string())
        .arg("prlimit")
        .arg(format!("--as={}", c.mem_limit_mb * 1024 * 1024))
        .arg("--")
        .arg(&c.bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&err)?)
        .status()?;
    let secs = start.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&stats).unwrap_or_default();
    let v: Vec<f64> = text
        .lines()
        .filter_map(|l| {
            let v: Vec<f64> = l
                .split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect();
            (v.len() == 3).then_some(v)
        })
        .next_back()
        .unwrap_or_default();
    let rss = v.first().map_or(0.0, |kb| kb / 1024.0);
    let cpu = v.get(1).zip(v.get(2)).map_or(0.0, |(u, s)| u + s);
    let code = match status.code() {
        Some(137) => "killed".to_owned(),
        Some(k) if k > 128 => format!("sig {}", k - 128),
        Some(101) => "panic".to_owned(),
        Some(k) => k.to_string(),
        None => "signal".to_owned(),
    };
    Ok((code, secs, cpu, rss))
}
