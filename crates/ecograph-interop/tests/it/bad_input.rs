//! Bad input: one fixture per case, the whole message asserted (`<case>.err` beside an
//! XML fixture, `expected.err` in a CSV case's directory); the huge cases are generated.

use crate::fixture;
use ecograph_interop::{Error, import_archimate, import_csv};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

fn expected(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim_end_matches('\n')
        .to_owned()
}

#[test]
fn every_bad_exchange_file_gets_its_whole_message() {
    let dir = fixture("bad/xml");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 16);
    for case in cases {
        let name = format!(
            "bad/xml/{}",
            case.file_name().and_then(|n| n.to_str()).unwrap_or("")
        );
        let r = BufReader::new(File::open(&case).expect("fixture"));
        let err = import_archimate(r, &name).expect_err(&name);
        assert!(err.is_invalid_input(), "{name}: {err}");
        if let ecograph_interop::Error::Invalid { problems, .. } = &err {
            // A problem's Display pads as a whole, as every Display of the crate.
            let p = &problems[0];
            let shown = p.to_string();
            let width = shown.chars().count() + 1;
            assert_eq!(format!("{p:>width$}|"), format!(" {shown}|"));
        }
        assert_eq!(
            err.to_string(),
            expected(&case.with_extension("err")),
            "{name}"
        );
    }
}

#[test]
fn every_bad_csv_case_gets_its_whole_message() {
    let dir = fixture("bad/csv");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let open = |n: &str| File::open(case.join(n)).ok().map(BufReader::new);
        let elements = open("elements.csv").expect("elements.csv");
        let label = |n: &str| {
            format!(
                "{}/{n}",
                case.file_name().and_then(|x| x.to_str()).unwrap_or("")
            )
        };
        let names = [
            label("elements.csv"),
            label("relations.csv"),
            label("properties.csv"),
        ];
        let err = import_csv(
            elements,
            open("relations.csv"),
            open("properties.csv"),
            [&names[0], &names[1], &names[2]],
        )
        .expect_err("bad");
        assert!(err.is_invalid_input(), "{err}");
        assert_eq!(
            err.to_string(),
            expected(&case.join("expected.err")),
            "{}",
            case.display()
        );
    }
}

/// 100,000 nested elements, produced as they are read.
struct Deep {
    depth: usize,
    at: usize,
    head: &'static [u8],
}

impl Read for Deep {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if !self.head.is_empty() {
            let n = self.head.len().min(out.len());
            out[..n].copy_from_slice(&self.head[..n]);
            self.head = &self.head[n..];
            return Ok(n);
        }
        let mut n = 0;
        while n + 6 <= out.len() && self.at < self.depth {
            out[n..n + 6].copy_from_slice(b"<item>");
            n += 6;
            self.at += 1;
        }
        Ok(n)
    }
}

#[test]
fn hundred_thousand_deep_nesting_is_refused_at_the_limit() {
    let head = b"<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" identifier=\"m\"><organizations>";
    let r = BufReader::new(Deep {
        depth: 100_000,
        at: 0,
        head,
    });
    let err = import_archimate(r, "deep.xml").expect_err("too deep");
    // Levels 1 and 2 are the model and organizations; the 9,999th item is too deep, at
    // its column on the one line.
    let col = head.len() + 9_998 * 6 + 1;
    assert_eq!(
        err.to_string(),
        format!("elements nested more than 10000 levels deep\n  --> deep.xml:1:{col}")
    );
}

/// A gigabyte of one text node, produced as it is read: the import stops at the token
/// limit without holding the text.
struct Huge {
    left: u64,
    head: &'static [u8],
}

impl Read for Huge {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if !self.head.is_empty() {
            let n = self.head.len().min(out.len());
            out[..n].copy_from_slice(&self.head[..n]);
            self.head = &self.head[n..];
            return Ok(n);
        }
        let n = (out.len() as u64).min(self.left) as usize;
        out[..n].fill(b'a');
        self.left -= n as u64;
        Ok(n)
    }
}

#[test]
fn a_gigabyte_text_is_refused_in_bounded_memory() {
    let head =
        b"<model xmlns=\"http://www.opengroup.org/xsd/archimate/3.0/\" identifier=\"m\">\n<name>";
    let r = BufReader::new(Huge {
        left: 1 << 30,
        head,
    });
    let err = import_archimate(r, "huge.xml").expect_err("too long");
    assert_eq!(
        err.to_string(),
        "a tag or text longer than 16 MiB: not read (a file like this is refused rather than held in memory)\n  --> huge.xml:2:7"
    );
}

#[test]
fn a_gigabyte_csv_row_is_refused_in_bounded_memory() {
    // A quote left open: the rest of the file would be one field.
    let head = b"\xEF\xBB\xBF\"ID\",\"Type\",\"Name\",\"Documentation\",\"Specialization\"\r\n\"a\",\"BusinessActor\",\"";
    let r = BufReader::new(Huge {
        left: 1 << 30,
        head,
    });
    let err = import_csv(r, None, None, ["huge.csv", "r.csv", "p.csv"]).expect_err("too long");
    assert!(err.is_invalid_input(), "{err}");
    assert_eq!(
        err.to_string(),
        "a row longer than 16 MiB: not read (a file like this is refused rather than held in memory)\n  --> huge.csv:2:1"
    );
}

#[test]
fn an_unreadable_input_is_an_io_error() {
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk on fire"))
        }
    }
    let err = import_archimate(BufReader::new(Broken), "broken.xml").expect_err("unreadable");
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert!(!err.is_invalid_input());
    assert_eq!(err.to_string(), "cannot read `broken.xml`");
}

/// An attribute given twice is found however many attributes its tag has (compared
/// one by one while they are few, through a set beyond that), and named at its second
/// place; a tag of 200,000 distinct attributes is read (once took 33 s, quadratic).
#[test]
fn an_attribute_given_twice_is_found_in_a_tag_of_any_length() {
    let root = r#"<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="m""#;
    for (count, repeated) in [(2, 1), (16, 15), (17, 0), (17, 16), (5_000, 4_321)] {
        let mut tag = String::from(root);
        for i in 0..count {
            tag.push_str(&format!(" a{i}=\"{i}\""));
        }
        let column = tag.len() + 2;
        tag.push_str(&format!(" a{repeated}=\"again\"><name>M</name></model>"));
        let err = import_archimate(tag.as_bytes(), "t.xml").expect_err("a repeated attribute");
        assert_eq!(
            err.to_string(),
            format!(
                "not well-formed XML: the attribute `a{repeated}` is given twice in one tag\n  --> t.xml:1:{column}\nhelp: keep one of them"
            )
        );
        assert!(err.is_invalid_input());
    }
    let mut tag = String::from(root);
    for i in 0..200_000 {
        tag.push_str(&format!(" a{i}=\"\""));
    }
    tag.push_str("><name>M</name></model>");
    let imported = import_archimate(tag.as_bytes(), "t.xml").expect("distinct attributes");
    assert_eq!(imported.model.element_count(), 0);
}

/// Names are resolved in one look-up however many namespace bindings are in scope: a
/// tag binding 50,000 prefixes, using each on an attribute and on an element inside it,
/// is read (quick-xml's resolver searched every binding for each name: 3 s and 2 s),
/// and a prefix bound there still names its namespace at the end.
#[test]
fn names_resolve_in_one_look_up_under_many_bindings() {
    let n = 50_000;
    let mut tag = String::from(
        r#"<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="m""#,
    );
    for i in 0..n {
        tag.push_str(&format!(r#" xmlns:p{i}="urn:p{i}" p{i}:a="{i}""#));
    }
    tag.push_str(r#" xmlns:a="http://www.opengroup.org/xsd/archimate/3.0/"><name>M</name>"#);
    for i in 0..n {
        tag.push_str(&format!("<p{i}:x/>"));
    }
    tag.push_str(concat!(
        r#"<a:elements><a:element identifier="e" xsi:type="BusinessActor" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><a:name>E</a:name>"#,
        "</a:element></a:elements></model>",
    ));
    let imported = import_archimate(tag.as_bytes(), "t.xml").expect("bindings in scope");
    assert_eq!(imported.model.element_count(), 1);
}

/// The start tags' attributes and namespace bindings are read on the importing thread,
/// the document's shape (one root, the depth limit) on the reading thread: a tag wrong
/// in both ways gets the message reading it on one thread gives, its own problem first.
#[test]
fn a_tags_own_problem_comes_before_the_documents_shape() {
    let model = r#"<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="m"><name>M</name></model>"#;
    let deep = format!(
        r#"<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="m">{}<a b="1" b="2">{}</model>"#,
        "<a>".repeat(9_999),
        "</a>".repeat(10_000)
    );
    let cases = [
        (
            format!("{model}\n<again a=\"1\" a=\"2\"/>\n"),
            "not well-formed XML: the attribute `a` is given twice in one tag\n  --> t.xml:2:14\nhelp: keep one of them",
        ),
        (
            format!("{model}\n<again xmlns:xml=\"http://example.com/x\"/>\n"),
            "not well-formed XML: the namespace prefix 'xml' cannot be bound to '\"http://example.com/x\"'\n  --> t.xml:2:1",
        ),
        (
            format!("{model}\n<again a=\"x\u{1}y\"/>\n"),
            "the character U+0001 in attribute `a` is not allowed in XML 1.0: not well-formed XML\n  --> t.xml:2:12\nhelp: remove the control character from the file (an exporter should not have written it)",
        ),
        (
            format!("{model}\n  <again a=\"1\"/>\n"),
            "not an XML document: a second root element\n  --> t.xml:2:3",
        ),
        (
            deep,
            "not well-formed XML: the attribute `b` is given twice in one tag\n  --> t.xml:1:30081\nhelp: keep one of them",
        ),
    ];
    for (text, message) in cases {
        let err = import_archimate(text.as_bytes(), "t.xml").expect_err(message);
        assert_eq!(err.to_string(), message);
    }
}

/// A start tag that is not UTF-8 is read as quick-xml reads it on one thread: a value
/// that is not UTF-8 is refused at its tag, a name that is not is kept as written.
#[test]
fn a_start_tag_that_is_not_utf8_gets_the_one_thread_message() {
    let head = r#"<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" identifier="m"><name>M</name><elements>"#;
    let mut text = head.as_bytes().to_vec();
    text.extend_from_slice(b"\n<element identifier=\"a\xff\" xsi:type=\"BusinessActor\"/>");
    text.extend_from_slice(b"</elements></model>\n");
    let err = import_archimate(&text[..], "u.xml").expect_err("not UTF-8");
    assert_eq!(
        err.to_string(),
        "not well-formed XML: cannot decode input using UTF-8: invalid utf-8 sequence of 1 bytes from index 1\n  --> u.xml:2:1"
    );
    let mut text = head.as_bytes().to_vec();
    text.extend_from_slice(b"\n<element ide\xffntifier=\"a\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"BusinessActor\"/>");
    text.extend_from_slice(b"</elements></model>\n");
    let err = import_archimate(&text[..], "u.xml").expect_err("no identifier");
    assert_eq!(
        err.to_string(),
        "an element has no identifier\n  --> u.xml:2:1"
    );
}

/// A UTF-16 file (Excel's "Unicode text", or an XML tool's choice) is named as such,
/// with what to do, in both formats.
#[test]
fn a_utf16_file_is_named_as_such() {
    let utf16 = |s: &str, le: bool| -> Vec<u8> {
        let mut out = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in s.encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    };
    for le in [true, false] {
        let xml = utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?><model/>", le);
        let err = ecograph_interop::import_archimate(&xml[..], "m.xml").expect_err("refused");
        assert!(err.to_string().starts_with("the file is UTF-16"), "{err}");
        assert!(err.to_string().contains("m.xml:1:1"), "{err}");
        let csv = utf16(
            "\"ID\",\"Type\",\"Name\",\"Documentation\",\"Specialization\"\r\n",
            le,
        );
        let err = ecograph_interop::import_csv(&csv[..], None, None, ["e.csv", "r.csv", "p.csv"])
            .expect_err("refused");
        assert!(err.to_string().starts_with("the file is UTF-16"), "{err}");
        assert!(
            err.to_string().contains("save it as \"CSV UTF-8\""),
            "{err}"
        );
    }
}

/// Found by fuzzing (stop 49): a malformed tag whose kept bytes did not end on a
/// character boundary was read as an empty tag with a five-byte name, and quick-xml
/// panicked. It is an error at its line now.
#[test]
fn a_tag_cut_inside_a_character_is_an_error_not_a_panic() {
    let bytes = std::fs::read(fixture("archimate/fuzz-tag-off-a-character.xml")).expect("fixture");
    let err = import_archimate(&bytes[..], "f.xml").expect_err("malformed");
    assert!(matches!(err, Error::Invalid { .. }), "{err}");
    assert!(err.to_string().contains("not well-formed XML"), "{err}");
}
