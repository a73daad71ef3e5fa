//! Hostile inputs that once took super-linear time or memory (the generator of their
//! shapes is `benches/src/bin/adversarial_import.rs`): the right result or the whole
//! message, at a size that showed the problem.

use ecograph_core::RelationKind;
use ecograph_interop::{import_archimate, import_csv};

/// `got == want`, showing where they part and not the whole (long) texts when not.
fn same(got: &str, want: &str) {
    if got != want {
        let at = got
            .bytes()
            .zip(want.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let end = |s: &str| {
            s.get(at..)
                .unwrap_or("")
                .chars()
                .take(120)
                .collect::<String>()
        };
        panic!(
            "texts of {} and {} bytes part at byte {at}: got `{}`, want `{}`",
            got.len(),
            want.len(),
            end(got),
            end(want)
        );
    }
}

const HEAD: &str = "<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" identifier=\"m\">\n";

#[test]
fn a_long_dangling_identifier_gets_its_message_without_a_suggestion() {
    // Comparing the reference with the identifier one character shorter filled a table
    // of their lengths' product (30,000² cells: 7 GB).
    let id = "i".repeat(30_000);
    let xml = format!(
        "{HEAD}<elements><element identifier=\"{id}\" xsi:type=\"Node\"/><element identifier=\"e\" xsi:type=\"Node\"/></elements>\n<relationships><relationship identifier=\"r\" source=\"e\" target=\"{id}j\" xsi:type=\"Flow\"/></relationships></model>"
    );
    let err = import_archimate(xml.as_bytes(), "long.xml").expect_err("dangling");
    same(
        &err.to_string(),
        &format!(
            "relationship `r` has target `{id}j`, which is no element or relationship\n  --> long.xml:3:16"
        ),
    );
    // As Archi writes them: CRLF line ends.
    let elements = format!(
        "\"ID\",\"Type\",\"Name\",\"Documentation\",\"Specialization\"\r\n\"{id}\",\"Node\",\"a\",\"\",\"\"\r\n\"e\",\"Node\",\"b\",\"\",\"\"\r\n"
    );
    let relations = format!(
        "\"ID\",\"Type\",\"Name\",\"Documentation\",\"Source\",\"Target\",\"Specialization\"\r\n\"r\",\"FlowRelationship\",\"\",\"\",\"e\",\"{id}j\",\"\"\r\n"
    );
    let err = import_csv(
        elements.as_bytes(),
        Some(relations.as_bytes()),
        None,
        ["elements.csv", "relations.csv", "properties.csv"],
    )
    .expect_err("dangling");
    same(
        &err.to_string(),
        &format!(
            "relationship `r` has Target `{id}j`, which is no element or relationship\n  --> relations.csv:2:34"
        ),
    );
}

#[test]
fn a_dangling_identifier_still_gets_its_suggestion() {
    let xml = format!(
        "{HEAD}<elements><element identifier=\"id-berth-planner\" xsi:type=\"Node\"/><element identifier=\"e\" xsi:type=\"Node\"/></elements>\n<relationships><relationship identifier=\"r\" source=\"e\" target=\"id-berth-plnaner\" xsi:type=\"Flow\"/></relationships></model>"
    );
    let err = import_archimate(xml.as_bytes(), "typo.xml").expect_err("dangling");
    assert_eq!(
        err.to_string(),
        "relationship `r` has target `id-berth-plnaner`, which is no element or relationship\n  --> typo.xml:3:16\nhelp: did you mean `id-berth-planner`?"
    );
}

/// `n` elements in one folder `depth` levels deep.
fn deep_folder(n: usize, depth: usize) -> String {
    let mut xml = format!("{HEAD}<elements>\n");
    for i in 0..n {
        xml.push_str(&format!(
            "<element identifier=\"e{i}\" xsi:type=\"Node\"><name>E {i}</name></element>\n"
        ));
    }
    xml.push_str("</elements><organizations>\n");
    for i in 0..depth {
        xml.push_str(&format!("<item><label>f{i}</label>"));
    }
    xml.push('\n');
    for i in 0..n {
        xml.push_str(&format!("<item identifierRef=\"e{i}\"/>\n"));
    }
    for _ in 0..depth {
        xml.push_str("</item>");
    }
    xml.push_str("</organizations></model>\n");
    xml
}

#[test]
fn folder_paths_past_their_budget_are_refused() {
    // Each element would keep a path of 2,000 labels: 2,000 of them took 2,000² labels.
    let xml = deep_folder(2_000, 2_000);
    let err = import_archimate(xml.as_bytes(), "deep.xml").expect_err("too large");
    // The labels f0..f1999 take 10 * 2 + 90 * 3 + 900 * 4 + 1000 * 5 bytes, and three
    // each; the first element whose path passes the budget is the 72nd.
    let path = 10 * 2 + 90 * 3 + 900 * 4 + 1000 * 5 + 3 * 2_000;
    let count = (1 << 20) / (path - 256) + 1;
    assert_eq!(
        err.to_string(),
        format!(
            "element `e{}` is in a folder at depth 2000 whose path takes {path} bytes: the folder paths the imported model keeps would take more than {} bytes (1 MiB, and 256 for each of the {count} elements and relationships in a folder so far)\n  --> deep.xml:{}:1",
            count - 1,
            (1 << 20) + 256 * count,
            count + 2,
        )
    );
}

#[test]
fn folder_paths_within_their_budget_are_kept() {
    // 20 levels of 2,000 elements, each keeping its path.
    let imported =
        import_archimate(deep_folder(2_000, 20).as_bytes(), "deep.xml").expect("within the budget");
    let labels: Vec<String> = (0..20).map(|i| format!("\"f{i}\"")).collect();
    let path = format!("[{}]", labels.join(","));
    for e in imported.model.elements() {
        assert_eq!(
            e.property("archimate:folder"),
            Some(path.as_str()),
            "{}",
            e.id()
        );
    }
    assert_eq!(imported.model.element_count(), 2_000);
}

#[test]
fn a_ring_of_triggering_past_the_search_budget_is_broken_on_its_cycle() {
    // 4,000 work packages, each triggering the next, the last the first: the
    // `depends_on` read from each relationship reaches back along all those before it,
    // so searching each took n²/2 steps. The searches stop after 64 steps for each
    // element and relationship and 2^22 more: 2,169 searches of 2i + 1 steps fit
    // (2,169² ≤ 64 × 8,000 + 2^22 < 2,170²); every relationship from the 2,170th on is
    // on the one cycle and kept as `linked`.
    let n = 4_000;
    let mut xml = format!("{HEAD}<elements>\n");
    for i in 0..n {
        xml.push_str(&format!(
            "<element identifier=\"e{i}\" xsi:type=\"WorkPackage\"><name>W {i}</name></element>\n"
        ));
    }
    xml.push_str("</elements><relationships>\n");
    for i in 0..n {
        xml.push_str(&format!(
            "<relationship identifier=\"r{i}\" source=\"e{i}\" target=\"e{}\" xsi:type=\"Triggering\"/>\n",
            (i + 1) % n
        ));
    }
    xml.push_str("</relationships></model>\n");
    let imported = import_archimate(xml.as_bytes(), "ring.xml").expect("imports");
    let cycle: Vec<String> = imported
        .warnings
        .iter()
        .filter(|w| w.message.contains("cycle"))
        .map(|w| format!("{w}"))
        .collect();
    assert_eq!(cycle.len(), n - 2_169);
    // The relationships start on line 2 + n + 2.
    assert_eq!(
        cycle[0],
        format!(
            "relationship `r2169` (Triggering) is on a `depends_on` cycle through `e2170` and `e2169` among more relationships than are searched one by one: kept as `linked` with its type in `archimate:type`\n  --> ring.xml:{}:1",
            2 + n + 2 + 2_169
        )
    );
    let kinds = |k: RelationKind| imported.model.relations().filter(|r| r.kind() == k).count();
    assert_eq!(kinds(RelationKind::DependsOn), 2_169);
    assert_eq!(kinds(RelationKind::Linked), n - 2_169);
}

#[test]
fn a_dense_view_routes_a_bounded_number_of_its_connections() {
    // 30 systems flowing each to every other: 870 relations in one view. Routing them
    // all (and counting the crossings of every pair of lines) took more than a minute
    // for 10,000.
    let k = 30;
    let mut json = String::from("{\"ecograph\":1,\"elements\":[");
    for i in 0..k {
        let comma = if i > 0 { "," } else { "" };
        json.push_str(&format!(
            "{comma}{{\"id\":\"s{i}\",\"kind\":\"system\",\"name\":\"S {i}\"}}"
        ));
    }
    json.push_str("],\"relations\":[");
    let mut first = true;
    for i in 0..k {
        for j in 0..k {
            if i != j {
                let comma = if first { "" } else { "," };
                first = false;
                json.push_str(&format!(
                    "{comma}{{\"kind\":\"flow\",\"from\":\"s{i}\",\"to\":\"s{j}\"}}"
                ));
            }
        }
    }
    json.push_str("],\"views\":[{\"id\":\"dense\",\"include\":[{\"kind\":\"system\"}]}]}");
    let model = ecograph_core::Model::from_json_str(&json).expect("valid");
    let xml =
        ecograph_interop::export_archimate(&model, &ecograph_interop::ExportOptions::default())
            .expect("exports");
    let xml = String::from_utf8(xml).expect("UTF-8");
    // Every relation is a connection; only the 300 the layout routes can bend.
    let connections: Vec<&str> = xml
        .split("<connection ")
        .skip(1)
        .map(|c| c.split("</connection>").next().unwrap_or(c))
        .collect();
    assert_eq!(connections.len(), k * (k - 1));
    let bent = connections
        .iter()
        .filter(|c| c.contains("<bendpoint"))
        .count();
    assert!(bent <= 300, "{bent} connections bend");
    let back = import_archimate(xml.as_bytes(), "dense.xml").expect("imports");
    assert_eq!(back.model, model);
}

#[test]
fn many_texts_missing_many_languages_get_their_whole_warnings() {
    // 1,000 languages listed and 1,000 elements named in the first only: listing every
    // missing language of every name took the names times the languages.
    let n = 1_000;
    let langs: Vec<String> = (0..n).map(|i| format!("l{i}")).collect();
    let mut xml = format!(
        "{HEAD}<properties><property propertyDefinitionRef=\"pl\"><value>{}</value></property></properties><elements>\n",
        langs.join(" ")
    );
    for i in 0..n {
        xml.push_str(&format!(
            "<element identifier=\"e{i}\" xsi:type=\"Node\"><name xml:lang=\"l0\">N {i}</name></element>\n"
        ));
    }
    xml.push_str("</elements><propertyDefinitions><propertyDefinition identifier=\"pl\"><name>ecograph:languages</name></propertyDefinition></propertyDefinitions></model>\n");
    let imported = import_archimate(xml.as_bytes(), "langs.xml").expect("imports");
    let missing: Vec<&str> = imported
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .filter(|m| m.contains("no translation"))
        .collect();
    assert_eq!(missing.len(), n);
    let first: Vec<String> = (1..11).map(|i| format!("`l{i}`")).collect();
    assert_eq!(
        missing[n - 1],
        format!(
            "`name` has no translation to {}, and {} more (in the imported model at elements[{}].name)",
            first.join(", "),
            n - 11,
            n - 1
        )
    );
}

/// Short property values are shared while they are read, up to a bound on the distinct
/// ones: past that bound, and for long values, each is its own again. Every value reads
/// back as written, wherever it falls.
#[test]
fn property_values_read_back_as_written_past_the_shared_ones() {
    let n = 5_000;
    let value = |i: usize| match i % 4 {
        0 => "same".to_owned(),
        1 => format!("v{i}"),
        2 => format!("a value longer than thirty-two bytes, number {i}"),
        _ => String::new(),
    };
    let mut xml = format!("{HEAD}<elements>\n");
    for i in 0..n {
        xml.push_str(&format!(
            "<element identifier=\"e{i}\" xsi:type=\"BusinessActor\"><name>E{i}</name><properties><property propertyDefinitionRef=\"p\"><value>{}</value></property></properties></element>\n",
            value(i)
        ));
    }
    xml.push_str("</elements><propertyDefinitions><propertyDefinition identifier=\"p\" type=\"string\"><name>note</name></propertyDefinition></propertyDefinitions></model>\n");
    let imported = import_archimate(xml.as_bytes(), "values.xml").expect("imports");
    let got: Vec<(String, Option<String>)> = imported
        .model
        .elements()
        .map(|e| {
            (
                e.id().as_str().to_owned(),
                e.property("note").map(str::to_owned),
            )
        })
        .collect();
    let want: Vec<(String, Option<String>)> =
        (0..n).map(|i| (format!("e{i}"), Some(value(i)))).collect();
    assert_eq!(got, want);
}
