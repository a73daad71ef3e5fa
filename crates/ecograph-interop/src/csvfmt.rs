//! Archi's CSV layout: `elements.csv`, `relations.csv` and `properties.csv`, UTF-8 with
//! a byte order mark, every field quoted, CRLF line ends.
//!
//! A CSV cell holds one language: names and documentation are in the first language
//! written, and a text in several languages also travels whole as an `ecograph:name` /
//! `ecograph:documentation` property (a JSON list of `[language, value]` pairs); an edited
//! Name cell replaces the first value on import. Views and folders, which the layout has
//! no place for, travel as properties too.

use crate::doc::{Concept, Diagram, Doc, End, Ident, LangText, Prop, Props, intern};
use crate::error::{Error, Pos, Problem, Suggestions};
use crate::hash::{HashMap, HashSet};
use crate::mapping::{self, A_FOLDER, A_SPECIALIZATION, P_VIEW};
use crate::pipe::{Feed, Take};
use crate::types;
use crate::{ExportOptions, Imported};
use ecograph_core::Model;
use ecograph_core::suggest::closest;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::io::{Read, Write};
use std::rc::Rc;
use std::sync::Arc;

/// The file names, in the order [`CsvFiles`] holds them.
pub const CSV_FILES: [&str; 3] = ["elements.csv", "relations.csv", "properties.csv"];

const ELEMENTS_HEADER: [&str; 5] = ["ID", "Type", "Name", "Documentation", "Specialization"];
const RELATIONS_HEADER: [&str; 7] = [
    "ID",
    "Type",
    "Name",
    "Documentation",
    "Source",
    "Target",
    "Specialization",
];
const PROPERTIES_HEADER: [&str; 3] = ["ID", "Key", "Value"];
/// Property values up to this many bytes are shared (see `import_csv`); longer ones are
/// rarely repeated.
const SHARED_VALUE_LEN: usize = 24;
const MODEL_TYPE: &str = "ArchimateModel";
const P_NAME: &str = "ecograph:name";
const P_DOC: &str = "ecograph:documentation";
const P_PROP_TYPES: &str = "ecograph:property-types";
const ACCESS_TYPE: &str = "Access_Type";
const DIRECTED: &str = "Directed";
const INFLUENCE: &str = "Influence_Strength";
const JUNCTION: &str = "Junction_Type";

/// The three CSV files of a model, each UTF-8 with a byte order mark.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CsvFiles {
    /// `elements.csv`: the model's row, then one row per element.
    pub elements: Vec<u8>,
    /// `relations.csv`: one row per relationship.
    pub relations: Vec<u8>,
    /// `properties.csv`: one row per property.
    pub properties: Vec<u8>,
}

/// One CSV file being written: the first write error is kept and every later row
/// skipped, so the callers' row loops need no error handling.
struct Out<W: Write> {
    w: csv::Writer<W>,
    failed: Option<std::io::Error>,
}

impl<W: Write> Out<W> {
    fn new(mut out: W, header: &[&str]) -> Out<W> {
        let failed = out.write_all(b"\xEF\xBB\xBF").err();
        // The csv writer's own buffer: rows reach `out` in 64 KiB writes.
        let w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .terminator(csv::Terminator::CRLF)
            .buffer_capacity(1 << 16)
            .from_writer(out);
        let mut o = Out { w, failed };
        o.row(header);
        o
    }
    fn row(&mut self, fields: &[&str]) {
        if self.failed.is_none()
            && let Err(e) = self.w.write_record(fields)
        {
            self.failed = Some(e.into());
        }
    }
    fn finish(self) -> Result<W, Error> {
        if let Some(source) = self.failed {
            return Err(Error::Write { source });
        }
        self.w.into_inner().map_err(|e| Error::Write {
            source: e.into_error(),
        })
    }
}

fn pairs_json(t: &LangText) -> String {
    let v: Vec<serde_json::Value> = t.iter().map(|(l, v)| serde_json::json!([l, v])).collect();
    serde_json::Value::Array(v).to_string()
}

fn text_props(t: &LangText, key: &str, props: &mut Vec<(String, String)>) {
    if !t.has_no_value() && !t.is_plain() {
        props.push((key.to_owned(), pairs_json(t)));
    }
}

fn csv_type(c: &Concept) -> &str {
    match &*c.typ {
        "AndJunction" | "OrJunction" => "Junction",
        t => t,
    }
}

/// Writes `model` in Archi's CSV layout.
///
/// Views travel as their definitions (an `ecograph:view` property of the model's row);
/// none is laid out.
///
/// # Errors
/// None today: every model that loaded can be written. The `Result` is that of
/// [`write_csv`], whose writers can fail.
pub fn export_csv(model: &Model, options: &ExportOptions) -> Result<CsvFiles, Error> {
    let (elements, relations, properties) =
        write_csv(model, options, Vec::new(), Vec::new(), Vec::new())?;
    Ok(CsvFiles {
        elements,
        relations,
        properties,
    })
}

/// [`export_csv`] streamed into three writers (`elements.csv`, `relations.csv`,
/// `properties.csv`, in [`CSV_FILES`]' order), which are returned: nothing of the
/// output is held in memory. Wrap them in a `BufWriter` when they are unbuffered, as a
/// file is.
///
/// # Errors
/// [`Error::Write`] when a writer fails (the first failure; no more rows are written
/// after it).
pub fn write_csv<E: Write, R: Write, P: Write>(
    model: &Model,
    options: &ExportOptions,
    elements: E,
    relations: R,
    properties: P,
) -> Result<(E, R, P), Error> {
    // Views travel as their definitions: nothing of a drawing fits in a CSV row.
    let ex = mapping::Exchange::without_placement(model, options)?;
    let doc = &ex.head;
    let mut el = Out::new(elements, &ELEMENTS_HEADER);
    let mut rel = Out::new(relations, &RELATIONS_HEADER);
    let mut pr = Out::new(properties, &PROPERTIES_HEADER);
    el.row(&[
        &doc.ident,
        MODEL_TYPE,
        doc.name.first(),
        doc.doc.first(),
        "",
    ]);
    let mut model_props: Vec<(String, String)> = doc
        .props
        .iter()
        .map(|p| (p.key.to_string(), p.value.first().to_owned()))
        .collect();
    text_props(&doc.name, P_NAME, &mut model_props);
    text_props(&doc.doc, P_DOC, &mut model_props);
    for d in &doc.diagrams {
        if let Some(v) = d.prop(P_VIEW) {
            model_props.push((P_VIEW.to_owned(), v.to_owned()));
        }
    }
    if !doc.prop_types.is_empty() {
        let m: serde_json::Map<String, serde_json::Value> = doc
            .prop_types
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str())))
            .collect();
        model_props.push((
            P_PROP_TYPES.to_owned(),
            serde_json::Value::Object(m).to_string(),
        ));
    }
    for (k, v) in &model_props {
        pr.row(&[&doc.ident, k, v]);
    }
    // Folders recorded by an earlier import have no column: they stay properties.
    let folder_of = |i: usize, rel: bool| -> Option<String> {
        if rel {
            model
                .relation_at(i)?
                .properties()
                .find(|(k, _)| *k == A_FOLDER)
                .map(|(_, v)| v.to_owned())
        } else {
            model.element_at(i)?.property(A_FOLDER).map(str::to_owned)
        }
    };
    let mut i = 0;
    ex.for_each_element(|c| {
        let spec = specialization(c);
        el.row(&[&c.ident, csv_type(c), c.name.first(), c.doc.first(), spec]);
        let mut ps: Vec<(String, String)> = Vec::new();
        text_props(&c.name, P_NAME, &mut ps);
        text_props(&c.doc, P_DOC, &mut ps);
        match &*c.typ {
            "AndJunction" => ps.push((JUNCTION.into(), "And".into())),
            "OrJunction" => ps.push((JUNCTION.into(), "Or".into())),
            _ => {}
        }
        if let Some(f) = folder_of(i, false).filter(|_| i < model.element_count()) {
            ps.push((A_FOLDER.into(), f));
        }
        for p in c.props.iter().filter(|p| &*p.key != A_SPECIALIZATION) {
            pr.row(&[&c.ident, &p.key, p.value.first()]);
        }
        for (k, v) in &ps {
            pr.row(&[&c.ident, k, v]);
        }
        i += 1;
    });
    // Relations of the model come first, each followed by its data
    // associations; parents follow them all.
    let mut rel_index = 0;
    ex.for_each_relationship(|c| {
        let typ = format!("{}Relationship", c.typ);
        rel.row(&[
            &c.ident,
            &typ,
            c.name.first(),
            c.doc.first(),
            &c.source,
            &c.target,
            specialization(c),
        ]);
        let mut ps: Vec<(String, String)> = Vec::new();
        text_props(&c.name, P_NAME, &mut ps);
        if let Some(a) = c.access() {
            ps.push((ACCESS_TYPE.into(), a.to_owned()));
        }
        if let Some(m) = c.modifier() {
            ps.push((INFLUENCE.into(), m.to_owned()));
        }
        if c.typ == "Association" {
            ps.push((
                DIRECTED.into(),
                if c.directed { "true" } else { "false" }.into(),
            ));
        }
        let own = !c.ident.starts_with("__d.") && !c.ident.starts_with("__p.");
        if own {
            if let Some(f) = folder_of(rel_index, true) {
                ps.push((A_FOLDER.into(), f));
            }
            rel_index += 1;
        }
        for p in c.props.iter().filter(|p| &*p.key != A_SPECIALIZATION) {
            pr.row(&[&c.ident, &p.key, p.value.first()]);
        }
        for (k, v) in &ps {
            pr.row(&[&c.ident, k, v]);
        }
    });
    Ok((el.finish()?, rel.finish()?, pr.finish()?))
}

/// The concept's Archi specialization, for the `Specialization` column (its property is
/// then not written to properties.csv).
fn specialization(c: &Concept) -> &str {
    c.props
        .iter()
        .find(|p| &*p.key == A_SPECIALIZATION)
        .map_or("", |p| p.value.first())
}

struct BomSkip<R> {
    inner: R,
    checked: bool,
    held: Vec<u8>,
    tape: Rc<RefCell<Tape>>,
}

/// The raw bytes from the start of the current record on (offsets after the byte order
/// mark), kept so that each field's line:column can be found: the csv crate gives only
/// where a record starts.
#[derive(Debug, Default)]
struct Tape {
    /// Offset of `bytes[0]` in the input.
    start: u64,
    bytes: Vec<u8>,
    /// The file's field delimiter (see [`sniff_delimiter`]); `0` reads as `,`.
    delimiter: u8,
    /// Where the row being read starts, and the csv crate's line there: a row that goes
    /// on for more than [`ROW_LIMIT`] bytes from there is refused.
    row_from: u64,
    row_line: u64,
}

/// The longest row read, in bytes: a longer one (a quote left open in a large file) is
/// refused rather than held in memory, as the exchange format's reader refuses a tag
/// or text over 16 MiB.
const ROW_LIMIT: u64 = 16 << 20;

/// The error [`BomSkip`] gives the csv reader for a row over [`ROW_LIMIT`]; `csv_error`
/// turns it into a message at the row's line.
#[derive(Debug)]
struct RowTooLong {
    line: u64,
}

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a row longer than 16 MiB")
    }
}

impl std::error::Error for RowTooLong {}

impl Tape {
    /// The 1-based line of the record that the csv crate places at `offset` on its
    /// `line`. The crate places a record where the line end before it stopped its
    /// reading: after a `\n`, on the record's own line, but after the `\r` of a `\r\n`
    /// (Archi's line end), on the line before; each `\n` before the record's first byte
    /// is one line more.
    fn line_at(&self, offset: u64, line: u64) -> u64 {
        let from = usize::try_from(offset.saturating_sub(self.start))
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        line + line_ends_before(&self.bytes[from..])
    }

    /// Forgets what lies before `offset`, once that is at least half of what is held (so
    /// each byte is moved at most about once, not once per record).
    fn forget_before(&mut self, offset: u64) {
        let n = usize::try_from(offset.saturating_sub(self.start))
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if n >= self.bytes.len() / 2 {
            self.bytes.drain(..n);
            self.start += n as u64;
        }
    }

    /// Where each field of the record starting at `offset` on `line` starts, found by
    /// reading the record's raw text the way the csv crate does (a field is quoted when
    /// it starts with `"`; `""` inside is a quote).
    fn field_starts(&self, offset: u64, line: u64) -> Vec<Pos> {
        let mut out = Vec::new();
        self.field_starts_into(offset, line, &mut out);
        out
    }

    /// [`Tape::field_starts`] into `out` (cleared first): one list reused for every row
    /// instead of one allocated, grown twice and freed per row.
    fn field_starts_into(&self, offset: u64, line: u64, out: &mut Vec<Pos>) {
        field_starts_in(&self.bytes, self.start, offset, line, self.delimiter, out);
    }
}

/// How many `\n` the line ends at the start of `raw` hold.
fn line_ends_before(raw: &[u8]) -> u64 {
    let run = raw.iter().take_while(|b| matches!(b, b'\r' | b'\n'));
    run.filter(|b| **b == b'\n').count() as u64
}

/// [`Tape::field_starts`] in `bytes`, which start at offset `start` of the input (the
/// tape's, or the raw text a [`Batch`] carries), into `out` (cleared first); fields are
/// separated by `delimiter` (`0` reads as `,`).
fn field_starts_in(
    bytes: &[u8],
    start: u64,
    offset: u64,
    line: u64,
    delimiter: u8,
    out: &mut Vec<Pos>,
) {
    let delimiter = if delimiter == 0 { b',' } else { delimiter };
    out.clear();
    let from = usize::try_from(offset.saturating_sub(start))
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let raw = &bytes[from..];
    // The csv crate places a record after the `\r` of the line end before it.
    let skip = raw
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(raw.len());
    let mut at = Pos { line, column: 1 };
    out.push(at);
    let mut quoted = false;
    let mut field_start = true;
    let mut bytes = raw[skip..].iter().copied().peekable();
    while let Some(b) = bytes.next() {
        let was_start = field_start;
        field_start = false;
        if quoted {
            if b == b'"' {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                    at.column += 1;
                } else {
                    quoted = false;
                }
            }
        } else {
            match b {
                b'"' if was_start => quoted = true,
                b if b == delimiter => field_start = true,
                b'\r' | b'\n' => break,
                _ => {}
            }
        }
        if b == b'\n' {
            at.line += 1;
            at.column = 1;
        } else if b & 0xC0 != 0x80 {
            // Columns count characters: UTF-8 continuation bytes add none.
            at.column += 1;
        }
        if field_start {
            out.push(at);
        }
    }
}

impl<R: Read> BomSkip<R> {
    /// Reads past a byte order mark, once.
    fn skip_bom(&mut self) -> std::io::Result<()> {
        if !self.checked {
            self.checked = true;
            let mut head = [0u8; 3];
            let mut n = 0;
            while n < 3 {
                let k = self.inner.read(&mut head[n..])?;
                if k == 0 {
                    break;
                }
                n += k;
            }
            if head[..n] != *b"\xEF\xBB\xBF" {
                self.held.extend_from_slice(&head[..n]);
            }
        }
        Ok(())
    }

    /// The file's field delimiter, read off its header ([`sniff_delimiter`]): the
    /// start of the file is read ahead (at most [`SNIFF_BYTES`]) and then read again.
    fn delimiter(&mut self) -> std::io::Result<u8> {
        self.skip_bom()?;
        let mut buf = [0u8; 4096];
        while self.held.len() < SNIFF_BYTES && !has_header_line(&self.held) {
            let k = self.inner.read(&mut buf)?;
            if k == 0 {
                break;
            }
            self.held.extend_from_slice(&buf[..k]);
        }
        Ok(sniff_delimiter(&self.held))
    }
}

/// How much of a CSV file's start [`BomSkip::delimiter`] reads to find its header.
const SNIFF_BYTES: usize = 64 << 10;

/// The delimiters a CSV file may use, in the order Archi tries them: Archi writes
/// `,` by default and offers `;` and tab, and a spreadsheet in a locale whose decimal
/// mark is a comma (Finnish, German, French Excel) saves `;`.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// The header line of `start` (the first line that is not a `#` comment), if it has
/// ended.
fn header_line(start: &[u8]) -> Option<&[u8]> {
    let mut rest = start;
    loop {
        let end = rest.iter().position(|&b| b == b'\n')?;
        let line = &rest[..end];
        if !line.starts_with(b"#") {
            return Some(line);
        }
        rest = &rest[end + 1..];
    }
}

fn has_header_line(start: &[u8]) -> bool {
    header_line(start).is_some()
}

/// The delimiter of the file that starts with `start`: the first of [`DELIMITERS`]
/// that makes a header field read `ID` (every header Archi writes starts with it);
/// `,` when none does, so a wrong header is reported as before.
fn sniff_delimiter(start: &[u8]) -> u8 {
    let line = header_line(start).unwrap_or(start);
    DELIMITERS
        .into_iter()
        .find(|&d| {
            line.split(|&b| b == d).any(|f| {
                let f = f.trim_ascii();
                let f = f
                    .strip_prefix(b"\"")
                    .and_then(|f| f.strip_suffix(b"\""))
                    .unwrap_or(f);
                f.trim_ascii() == b"ID"
            })
        })
        .unwrap_or(b',')
}

impl<R: Read> Read for BomSkip<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.skip_bom()?;
        let k = if self.held.is_empty() {
            self.inner.read(out)?
        } else {
            let k = self.held.len().min(out.len());
            out[..k].copy_from_slice(&self.held[..k]);
            self.held.drain(..k);
            k
        };
        let mut tape = self.tape.borrow_mut();
        tape.bytes.extend_from_slice(&out[..k]);
        let read = tape.start + tape.bytes.len() as u64;
        if read.saturating_sub(tape.row_from) > ROW_LIMIT {
            let line = tape.line_at(tape.row_from, tape.row_line);
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                RowTooLong { line },
            ));
        }
        Ok(k)
    }
}

struct Table<R: Read> {
    file: String,
    rd: csv::Reader<BomSkip<R>>,
    cols: Vec<usize>,
    tape: Rc<RefCell<Tape>>,
    /// Whether rows give where each field starts; otherwise every field is placed at
    /// the row's start, which needs no scan of the row (the properties file, whose
    /// messages name only rows).
    field_positions: bool,
    /// Where each field of the current row starts, once asked (reused from row to row).
    starts: Vec<Pos>,
    /// The row `starts` is for (its byte offset).
    starts_of: Option<u64>,
    /// The current row's line (1-based, from [`Tape::line_at`]) and byte offset.
    row_line: u64,
    row_offset: u64,
    /// Raw text from this offset on is kept (the rows of a [`Batch`] being filled).
    hold_from: Option<u64>,
}

impl<R: Read> Table<R> {
    /// Where the current row's `i`th wanted field starts: the row's start for the first
    /// column, a column the file lacks, or a file read without field positions. Other
    /// fields are found only when asked (for a message: scanning every row for them was
    /// a tenth of an import).
    fn col(&mut self, i: usize) -> Option<Pos> {
        let row_start = Pos {
            line: self.row_line,
            column: 1,
        };
        let c = *self.cols.get(i)?;
        if c == 0 || !self.field_positions {
            return Some(row_start);
        }
        if self.starts_of != Some(self.row_offset) {
            self.tape
                .borrow()
                .field_starts_into(self.row_offset, self.row_line, &mut self.starts);
            self.starts_of = Some(self.row_offset);
        }
        Some(
            *self
                .starts
                .get(c)
                .or(self.starts.first())
                .unwrap_or(&row_start),
        )
    }
}

fn at_line(line: u64) -> Option<Pos> {
    Some(Pos { line, column: 1 })
}

/// The first `N` wanted fields of the row just read, borrowed from its record (a
/// field is copied only where it is kept: most are only compared or looked up).
fn fields<'r, const N: usize>(rec: &'r csv::StringRecord, cols: &[usize]) -> [&'r str; N] {
    std::array::from_fn(|i| cols.get(i).and_then(|&c| rec.get(c)).unwrap_or(""))
}

impl<R: Read> Table<R> {
    fn open(r: R, file: &str, want: &[&str]) -> Result<Table<R>, Error> {
        let tape = Rc::new(RefCell::new(Tape::default()));
        let mut input = BomSkip {
            inner: r,
            checked: false,
            held: Vec::new(),
            tape: Rc::clone(&tape),
        };
        let delimiter = input.delimiter().map_err(|source| Error::Io {
            path: file.to_owned(),
            source,
        })?;
        // The start of the file is held: a UTF-16 one (Excel's "Unicode text") is named
        // as such, not reported as bytes that are not UTF-8.
        if let Some(e) = crate::error::utf16(
            file,
            &input.held,
            "save it as \"CSV UTF-8\" (Archi writes UTF-8) and import it again",
        ) {
            return Err(e);
        }
        tape.borrow_mut().delimiter = delimiter;
        // As Archi reads them: lines starting with `#` are comments.
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .delimiter(delimiter)
            .comment(Some(b'#'))
            .from_reader(input);
        let header = rd
            .headers()
            .map_err(|e| csv_error(file, e, &tape.borrow()))?
            .clone();
        {
            // The first row starts where the header's reading stopped.
            let next = rd.position();
            let mut t = tape.borrow_mut();
            t.row_from = next.byte();
            t.row_line = next.line();
        }
        let mut cols = Vec::new();
        let mut problems = Vec::new();
        for w in want {
            match header.iter().position(|h| h.trim() == *w) {
                Some(i) => cols.push(i),
                // Archi before 4.9 wrote no Specialization column.
                None if *w == "Specialization" => cols.push(usize::MAX),
                None => {
                    let near = closest(w, header.iter());
                    let help = near.map(|s| format!("is `{s}` meant to be `{w}`?"));
                    // At the header field that is probably meant, else the header.
                    let at = near
                        .and_then(|s| header.iter().position(|h| h == s))
                        .and_then(|i| tape.borrow().field_starts(0, 1).get(i).copied())
                        .or_else(|| at_line(1));
                    problems.push(
                        Problem::new(
                            file,
                            at,
                            format!("missing column `{w}` (the header has {})", header.len()),
                        )
                        .help(help.or_else(|| {
                            Some(format!(
                                "the header must be {}",
                                want.iter()
                                    .map(|w| format!("\"{w}\""))
                                    .collect::<Vec<_>>()
                                    .join(",")
                            ))
                        })),
                    );
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::Invalid { problems });
        }
        Ok(Table {
            file: file.to_owned(),
            rd,
            cols,
            tape,
            field_positions: true,
            starts: Vec::new(),
            starts_of: None,
            row_line: 0,
            row_offset: 0,
            hold_from: None,
        })
    }

    /// Reads the next row into `rec`; its wanted fields are [`fields`], where they
    /// start [`Table::col`].
    fn next(&mut self, rec: &mut csv::StringRecord) -> Result<bool, Error> {
        match self.rd.read_record(rec) {
            Ok(false) => Ok(false),
            Ok(true) => {
                let (line, offset) = rec.position().map_or((0, 0), |p| (p.line(), p.byte()));
                let next = self.rd.position();
                let mut tape = self.tape.borrow_mut();
                tape.forget_before(self.hold_from.map_or(offset, |h| h.min(offset)));
                let line = tape.line_at(offset, line);
                // The next row starts where this one's reading stopped.
                tape.row_from = next.byte();
                tape.row_line = next.line();
                drop(tape);
                self.row_line = line;
                self.row_offset = offset;
                Ok(true)
            }
            Err(e) => Err(csv_error(&self.file, e, &self.tape.borrow())),
        }
    }
}

fn csv_error(file: &str, e: csv::Error, tape: &Tape) -> Error {
    let line = e.position().map(|p| tape.line_at(p.byte(), p.line()));
    // A row longer than the header: where its first surplus field starts.
    let surplus = match (e.kind(), e.position()) {
        (
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            },
            Some(p),
        ) if len > expected_len => usize::try_from(*expected_len).ok().and_then(|i| {
            let line = tape.line_at(p.byte(), p.line());
            tape.field_starts(p.byte(), line).get(i).copied()
        }),
        _ => None,
    };
    if let csv::ErrorKind::Io(io) = e.kind()
        && let Some(long) = io.get_ref().and_then(|x| x.downcast_ref::<RowTooLong>())
    {
        return Error::one(Problem::new(
            file,
            at_line(long.line),
            "a row longer than 16 MiB: not read (a file like this is refused rather than held in memory)",
        ));
    }
    match e.kind() {
        csv::ErrorKind::Io(_) => {
            let msg = e.to_string();
            Error::Io {
                path: file.to_owned(),
                source: std::io::Error::other(msg),
            }
        }
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => Error::one(
            Problem::new(
                file,
                surplus.or_else(|| line.and_then(at_line)),
                format!("a row has {len} field(s), the header {expected_len}"),
            )
            .help(Some("a quote is probably not closed, or a field holds an unquoted comma: quote every field that holds `,`, `\"` or a line break, and double the quotes inside it".into())),
        ),
        csv::ErrorKind::Utf8 { .. } => Error::one(Problem::new(
            file,
            line.and_then(at_line),
            "the file is not UTF-8",
        )),
        _ => Error::one(Problem::new(file, line.and_then(at_line), format!("not a CSV file: {e}"))),
    }
}

/// Rows of `relations.csv` or `properties.csv` read on the reading thread (see
/// [`import_csv`]), handed over in one piece: the wanted fields of every row in one
/// string rather than one allocation per field (what the thread allocates lands in its
/// own allocator arena; these few buffers go back to it and are reused).
#[derive(Debug, Default)]
struct Batch {
    /// Where each wanted column is in the file's header (as [`Table`]'s).
    cols: Vec<usize>,
    /// Fields a row (the wanted columns).
    width: usize,
    /// The rows' wanted fields, one after the other.
    text: String,
    /// Where each field ends in `text`, `width` a row.
    ends: Vec<u32>,
    /// Each row's line (the csv crate's: the header's is 0) and byte offset.
    rows: Vec<(u64, u64)>,
    /// Whether messages place fields, not only rows (as [`Table`]'s): then `raw` holds
    /// the rows' raw text, from offset `raw_start` on.
    field_positions: bool,
    raw: Vec<u8>,
    raw_start: u64,
    /// The file's field delimiter (as the [`Tape`]'s).
    delimiter: u8,
    /// The file's last batch.
    last: bool,
}

/// Rows a batch holds at most (about 50 KB of the properties file's). Small batches
/// keep what circulates between the threads to a few hundred kilobytes: the peak of a
/// 100k-element import rises by under 2 MB.
const BATCH_ROWS: usize = 1024;
/// Bytes of fields after which a batch is handed over before it has [`BATCH_ROWS`].
const BATCH_BYTES: usize = 1 << 16;
/// Batches read ahead of the rows being taken.
const BATCHES_AHEAD: usize = 2;

/// The reading thread: reads `relations.csv` then `properties.csv` (those present),
/// handing each file's rows over in batches, in order, and stops at the first error
/// (sent in its place) or when the receiver is gone.
fn read_ahead<R: Read>(files: [Option<R>; 2], names: [&str; 3], feed: &Feed<Batch>) {
    let mut rec = csv::StringRecord::new();
    for (i, r) in files.into_iter().enumerate() {
        let Some(r) = r else { continue };
        let want: &[&str] = if i == 0 {
            &RELATIONS_HEADER
        } else {
            &PROPERTIES_HEADER
        };
        let mut t = match Table::open(r, names[i + 1], want) {
            Ok(t) => t,
            Err(e) => {
                let _ = feed.send(Err(e));
                return;
            }
        };
        // The properties file's messages name only rows (as when read on one thread).
        t.field_positions = i == 0;
        let fresh = |t: &Table<R>| {
            let mut b = feed.spare();
            b.cols.clone_from(&t.cols);
            b.width = want.len();
            b.text.clear();
            b.ends.clear();
            b.rows.clear();
            b.field_positions = t.field_positions;
            b.raw.clear();
            b.raw_start = 0;
            b.delimiter = t.tape.borrow().delimiter;
            b.last = false;
            b
        };
        let mut b = fresh(&t);
        loop {
            let more = match t.next(&mut rec) {
                Ok(more) => more,
                Err(e) => {
                    let _ = feed.send(Err(e));
                    return;
                }
            };
            if more {
                if b.rows.is_empty() && b.field_positions {
                    // This row's raw text and the next ones' stay on the tape.
                    t.hold_from = Some(t.row_offset);
                }
                for &c in t.cols.iter().take(b.width) {
                    b.text.push_str(rec.get(c).unwrap_or(""));
                    b.ends.push(u32::try_from(b.text.len()).unwrap_or(u32::MAX));
                }
                b.rows.push((t.row_line, t.row_offset));
                if b.rows.len() < BATCH_ROWS && b.text.len() < BATCH_BYTES {
                    continue;
                }
            }
            if let Some(h) = t.hold_from.take() {
                let tape = t.tape.borrow();
                let from = usize::try_from(h.saturating_sub(tape.start))
                    .unwrap_or(usize::MAX)
                    .min(tape.bytes.len());
                b.raw.extend_from_slice(&tape.bytes[from..]);
                b.raw_start = h;
            }
            b.last = !more;
            if !feed.send(Ok(b)) || !more {
                break;
            }
            b = fresh(&t);
        }
    }
}

/// The rows of one file as the reading thread hands them over: [`Table`]'s reading
/// (rows, their wanted fields, where a field starts) on the importing thread.
struct Rows<'c> {
    take: &'c Take<Batch>,
    file: &'c str,
    b: Batch,
    /// The current row in `b`, and the next.
    cur: usize,
    next: usize,
}

impl<'c> Rows<'c> {
    fn new(take: &'c Take<Batch>, file: &'c str) -> Rows<'c> {
        Rows {
            take,
            file,
            b: Batch::default(),
            cur: 0,
            next: 0,
        }
    }

    /// Takes the next row; its wanted fields are [`Rows::fields`], where they start
    /// [`Rows::col`].
    fn next(&mut self) -> Result<bool, Error> {
        while self.next >= self.b.rows.len() {
            if self.b.last {
                return Ok(false);
            }
            match self.take.next_into(&mut self.b) {
                Some(r) => r?,
                None => {
                    return Err(Error::Io {
                        path: self.file.to_owned(),
                        source: std::io::Error::other("the reading thread stopped"),
                    });
                }
            }
            self.next = 0;
        }
        self.cur = self.next;
        self.next += 1;
        Ok(true)
    }

    /// The current row's first `N` wanted fields.
    fn fields<const N: usize>(&self) -> [&str; N] {
        let base = self.cur * self.b.width;
        let end = |k: usize| self.b.ends.get(k).map_or(0, |&e| e as usize);
        std::array::from_fn(|i| {
            if i >= self.b.width {
                return "";
            }
            let from = if base + i == 0 { 0 } else { end(base + i - 1) };
            self.b.text.get(from..end(base + i)).unwrap_or("")
        })
    }

    /// Where the current row's `i`th wanted field starts (as [`Table::col`]).
    fn col(&self, i: usize) -> Option<Pos> {
        let (line, offset) = self.b.rows.get(self.cur).copied().unwrap_or_default();
        let row_start = Pos { line, column: 1 };
        let c = *self.b.cols.get(i)?;
        if c == 0 || !self.b.field_positions {
            return Some(row_start);
        }
        let mut starts = Vec::new();
        field_starts_in(
            &self.b.raw,
            self.b.raw_start,
            offset,
            line,
            self.b.delimiter,
            &mut starts,
        );
        Some(*starts.get(c).or(starts.first()).unwrap_or(&row_start))
    }
}

fn parse_pairs(s: &str) -> Option<LangText> {
    let v: Vec<(Option<String>, String)> = serde_json::from_str(s).ok()?;
    Some(LangText::from_pairs(v))
}

/// Reads Archi's three CSV files into an ecograph model. `relations` and `properties`
/// may be absent (`None`); `names` name the three inputs in messages.
///
/// # Errors
/// [`Error::Invalid`] with line numbers for a missing column, broken quoting, an
/// unknown type or a dangling reference; [`Error::Io`] when an input cannot be read.
pub fn import_csv<R: Read + Send>(
    elements: R,
    relations: Option<R>,
    properties: Option<R>,
    names: [&str; 3],
) -> Result<Imported, Error> {
    // `relations.csv` and `properties.csv` are parsed on a second thread, which hands
    // their rows over in order while this one reads `elements.csv` and builds the
    // concepts: the same rows, the same messages in the same order, and the first
    // error of a file where reading it on one thread stops.
    let present = [relations.is_some(), properties.is_some()];
    let doc = std::thread::scope(|s| {
        // The receiving ends are dropped when this closure returns, before the reading
        // thread is joined: a thread waiting to hand over a batch then stops (an error
        // in `elements.csv` ends the import without the other files read whole).
        if !present.contains(&true) {
            let (_, take) = crate::pipe::pipe(Some(BATCHES_AHEAD));
            return read_doc(elements, present, names, &take);
        }
        // The reader gets its files once its thread has started. Where the system
        // refuses one, they are read here first, their rows held until `read_doc`
        // takes them: the same rows and messages, in more memory.
        type Files<R> = ([Option<R>; 2], Feed<Batch>);
        let (give, given) = std::sync::mpsc::sync_channel::<Files<R>>(1);
        let reader = ecograph_core::par::spawn(s, move || {
            if let Ok((files, feed)) = given.recv() {
                read_ahead(files, names, &feed);
            }
        });
        let (feed, take) = crate::pipe::pipe(reader.is_ok().then_some(BATCHES_AHEAD));
        if reader.is_ok() {
            // Refused only if the thread is gone (a panic, passed on by the scope).
            let _ = give.send(([relations, properties], feed));
        } else {
            read_ahead([relations, properties], names, &feed);
        }
        read_doc(elements, present, names, &take)
    })?;
    mapping::model_from_doc(doc, names[0], mapping::Elements::After)
}

/// The files read into a document (see [`import_csv`]): `elements` here, the others'
/// rows (those `present`) from the reading thread.
fn read_doc<R: Read>(
    elements: R,
    present: [bool; 2],
    names: [&str; 3],
    take: &Take<Batch>,
) -> Result<Doc, Error> {
    let mut doc = Doc {
        relationships_file: Some(names[1].to_owned()),
        ..Doc::default()
    };
    let mut problems: Vec<Problem> = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut where_: HashMap<Arc<str>, (usize, bool)> = HashMap::default();
    let mut model_id = String::new();
    let mut keys: HashSet<Arc<str>> = HashSet::default();
    // Short property values, shared: most are a handful of words (`ecograph:relation`
    // alone is on every relationship).
    let mut values: HashSet<Arc<str>> = HashSet::default();
    let mut t = Table::open(elements, names[0], &ELEMENTS_HEADER)?;
    while t.next(&mut rec)? {
        let at = t.col(0);
        let [id, typ, name, docu, spec] = fields(&rec, &t.cols);
        if typ == MODEL_TYPE {
            model_id = id.to_owned();
            doc.ident = model_id.clone();
            doc.name = if name.is_empty() {
                LangText::default()
            } else {
                LangText::plain(name)
            };
            doc.doc = if docu.is_empty() {
                LangText::default()
            } else {
                LangText::plain(docu)
            };
            continue;
        }
        if id.is_empty() {
            problems.push(Problem::new(names[0], at, "an element has no ID"));
            continue;
        }
        let typ = if typ == "Junction" {
            "AndJunction"
        } else {
            typ
        };
        // The table's own text, found once (it both checks the type and is what the
        // concept keeps).
        let Some(known) = types::ELEMENT_TYPES
            .iter()
            .map(|(n, _)| *n)
            .find(|n| *n == typ)
        else {
            let help = closest(typ, types::ELEMENT_TYPES.iter().map(|(n, _)| *n))
                .map(|s| format!("did you mean `{s}`?"));
            problems.push(
                Problem::new(
                    names[0],
                    t.col(1),
                    format!("unknown element type `{typ}` (element `{id}`)"),
                )
                .help(help),
            );
            continue;
        };
        // One look-up per identifier (they miss the cache at the sizes that matter).
        let Some(ident) = claim(
            &mut where_,
            id,
            (doc.elements.len(), false),
            names[0],
            at,
            &mut problems,
        ) else {
            continue;
        };
        let mut c = Concept {
            ident: Ident::Heap(ident),
            typ: Cow::Borrowed(known),
            at: at.into(),
            ..Concept::default()
        };
        if !name.is_empty() {
            c.name = LangText::plain(name);
        }
        if !docu.is_empty() {
            c.doc = LangText::plain(docu);
        }
        if !spec.is_empty() {
            c.props.push(Prop {
                key: intern(&mut keys, A_SPECIALIZATION),
                value: LangText::plain(spec),
            });
        }
        doc.elements.push(c);
    }
    // The relationships' ends that were not a known identifier when their row was read
    // (relationship, 0 for Source or 1 for Target, where the cell starts): usually none.
    let mut unseen_ends: Vec<(usize, usize, Option<Pos>)> = Vec::new();
    if present[0] {
        let mut t = Rows::new(take, names[1]);
        while t.next()? {
            let at = t.col(0);
            let [id, typ, name, docu, source, target, spec] = t.fields();
            let base = typ.strip_suffix("Relationship").unwrap_or(typ);
            let Some(known) = types::RELATIONSHIP_TYPES.iter().find(|n| **n == base) else {
                let help = closest(base, types::RELATIONSHIP_TYPES.iter().copied())
                    .map(|s| format!("did you mean `{s}Relationship`?"));
                problems.push(
                    Problem::new(
                        names[1],
                        t.col(1),
                        format!("unknown relationship type `{typ}` (relationship `{id}`)"),
                    )
                    .help(help),
                );
                continue;
            };
            if id.is_empty() {
                problems.push(Problem::new(names[1], at, "a relationship has no ID"));
                continue;
            }
            let Some(ident) = claim(
                &mut where_,
                id,
                (doc.relationships.len(), true),
                names[1],
                at,
                &mut problems,
            ) else {
                continue;
            };
            // An end that is a known identifier shares its string; one not known yet
            // is checked once every identifier is (it may be a relationship further
            // down).
            // The concept it names is kept for the mapping.
            let mut end = |id: &str, which: usize| -> (Arc<str>, End) {
                match where_.get_key_value(id) {
                    Some((k, &slot)) => (Arc::clone(k), end_of(slot)),
                    None => {
                        unseen_ends.push((doc.relationships.len(), which, t.col(4 + which)));
                        (id.into(), End::Unknown)
                    }
                }
            };
            let (source, source_end) = end(source, 0);
            let (target, target_end) = end(target, 1);
            let mut c = Concept {
                ident: Ident::Heap(ident),
                typ: Cow::Borrowed(known),
                source,
                target,
                at: at.into(),
                ..Concept::default()
            };
            if !name.is_empty() {
                c.name = LangText::plain(name);
            }
            if !docu.is_empty() {
                c.doc = LangText::plain(docu);
            }
            if c.typ == "Access" {
                // Archi reads a missing access type as Write.
                c.set_access(Some("Write".into()));
            }
            if !spec.is_empty() {
                c.props.push(Prop {
                    key: intern(&mut keys, A_SPECIALIZATION),
                    value: LangText::plain(spec),
                });
            }
            doc.relationships.push(c);
            doc.ends.push([source_end, target_end]);
        }
    }
    // Suggestions come from `where_`'s keys (not a copy of every identifier: no entry
    // is added from here on).
    let mut ident_of: Vec<&str> = Vec::new();
    let mut suggestions = Suggestions::default();
    for &(i, which, at) in &unseen_ends {
        let c = &doc.relationships[i];
        let (end, id) = if which == 0 {
            ("Source", &c.source)
        } else {
            ("Target", &c.target)
        };
        if let Some(&slot) = where_.get(&**id) {
            if let Some(e) = doc.ends.get_mut(i).and_then(|e| e.get_mut(which)) {
                *e = end_of(slot);
            }
        } else {
            if ident_of.is_empty() {
                ident_of = vec![""; doc.relationships.len()];
                for (k, &(j, is_rel)) in &where_ {
                    if is_rel {
                        ident_of[j] = k;
                    }
                }
            }
            let help = suggestions.closest(id, where_.keys().map(|k| &**k));
            problems.push(
                Problem::new(
                    names[1],
                    at,
                    format!(
                        "relationship `{}` has {end} `{id}`, which is no element or relationship",
                        ident_of[i]
                    ),
                )
                .help(help),
            );
        }
    }
    drop(ident_of);
    drop(unseen_ends);
    if present[1] {
        let mut t = Rows::new(take, names[2]);
        let mut last_id = String::new();
        let mut last_ix = (0, false);
        // The concept after the last one found: the rows of an exported file follow
        // the concepts' order, so the next concept's identifier is compared first (one
        // comparison in memory read in order, instead of a look-up that misses the
        // cache). Each concept kept has its own identifier, so a match is the one
        // concept of that identifier.
        let mut next = (0, false);
        while t.next()? {
            let at = t.col(0);
            let [id, key, value] = t.fields();
            if id == model_id && !model_id.is_empty() {
                match key {
                    P_NAME => {
                        if let Some(t) = parse_pairs(value) {
                            doc.name = override_first(t, &doc.name);
                        }
                    }
                    P_DOC => {
                        if let Some(t) = parse_pairs(value) {
                            doc.doc = override_first(t, &doc.doc);
                        }
                    }
                    P_VIEW => doc.diagrams.push(Diagram {
                        props: Props::from(Prop {
                            key: P_VIEW.into(),
                            value: LangText::plain(value),
                        }),
                        ..Diagram::default()
                    }),
                    P_PROP_TYPES => {
                        if let Ok(m) = serde_json::from_str::<
                            std::collections::BTreeMap<String, String>,
                        >(value)
                        {
                            doc.prop_types.extend(m);
                        }
                    }
                    _ => doc.props.push(Prop {
                        key: intern(&mut keys, key),
                        value: LangText::plain(value),
                    }),
                }
                continue;
            }
            // A concept's properties are usually consecutive rows: the last row's
            // concept is found without a look-up.
            let predicted = if next.1 {
                doc.relationships.get(next.0)
            } else {
                doc.elements.get(next.0)
            };
            let found = if id == last_id && !last_id.is_empty() {
                Some(last_ix)
            } else if predicted.is_some_and(|c| *c.ident == *id) {
                Some(next)
            } else {
                where_.get(id).copied()
            };
            let Some((i, is_rel)) = found else {
                let help = suggestions.closest(id, where_.keys().map(|k| &**k));
                problems.push(
                    Problem::new(
                        names[2],
                        at,
                        format!(
                            "property `{key}` is for `{id}`, which is no element or relationship"
                        ),
                    )
                    .help(help),
                );
                continue;
            };
            last_id.clear();
            last_id.push_str(id);
            last_ix = (i, is_rel);
            next = if !is_rel && i + 1 >= doc.elements.len() {
                (0, true)
            } else {
                (i + 1, is_rel)
            };
            let c = if is_rel {
                &mut doc.relationships[i]
            } else {
                &mut doc.elements[i]
            };
            match key {
                P_NAME => {
                    if let Some(t) = parse_pairs(value) {
                        c.name = override_first(t, &c.name);
                    }
                }
                P_DOC => {
                    if let Some(t) = parse_pairs(value) {
                        c.doc = override_first(t, &c.doc);
                    }
                }
                ACCESS_TYPE if c.typ == "Access" => c.set_access(Some(value.to_owned())),
                DIRECTED if c.typ == "Association" => c.directed = value == "true",
                INFLUENCE if c.typ == "Influence" => c.set_modifier(Some(value.to_owned())),
                JUNCTION if c.typ.ends_with("Junction") => {
                    c.typ = if value == "And" {
                        "AndJunction".into()
                    } else {
                        "OrJunction".into()
                    };
                }
                _ => c.props.push(Prop {
                    key: intern(&mut keys, key),
                    value: if value.len() <= SHARED_VALUE_LEN {
                        LangText::shared(intern(&mut values, value))
                    } else {
                        LangText::plain(value)
                    },
                }),
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid { problems });
    }
    // Each concept shares its identifier with `where_`'s key.
    drop(where_);
    drop(rec);
    drop(keys);
    drop(values);
    // Without the slack of the lists' last doubling (up to half of a list of 184-byte
    // concepts); a large block shrinks in place.
    doc.elements.shrink_to_fit();
    doc.relationships.shrink_to_fit();
    doc.ends.shrink_to_fit();
    Ok(doc)
}

/// The end naming the concept at `slot` (its index, and whether it is a relationship).
fn end_of((i, is_rel): (usize, bool)) -> End {
    match u32::try_from(i) {
        Ok(i) if is_rel => End::Relationship(i),
        Ok(i) => End::Element(i),
        Err(_) => End::Unknown,
    }
}

/// Takes `id` for the concept at `slot` and gives the identifier to keep, or reports it
/// as a duplicate (at the row's ID cell) and gives `None`.
fn claim(
    where_: &mut HashMap<Arc<str>, (usize, bool)>,
    id: &str,
    slot: (usize, bool),
    file: &str,
    at: Option<Pos>,
    problems: &mut Vec<Problem>,
) -> Option<Arc<str>> {
    match where_.entry(Arc::from(id)) {
        Entry::Occupied(o) => {
            problems.push(Problem::new(
                file,
                at,
                format!("duplicate ID `{}`", o.key()),
            ));
            None
        }
        Entry::Vacant(v) => {
            let ident = Arc::clone(v.key());
            v.insert(slot);
            Some(ident)
        }
    }
}

/// A text carried whole in a property, with the first value replaced by the cell's
/// (which a spreadsheet user may have edited).
fn override_first(mut whole: LangText, cell: &LangText) -> LangText {
    if !cell.has_no_value() {
        whole.set_first(cell.first().to_owned());
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_starts_count_characters_and_follow_quotes_across_lines() {
        let tape = Tape {
            start: 10,
            bytes: "\r\n\"ä\"\"x\",\"two\nlines\",ö,\"z\"\r\nnext"
                .as_bytes()
                .to_vec(),
            ..Tape::default()
        };
        let at = |line, column| Pos { line, column };
        assert_eq!(
            tape.field_starts(10, 3),
            vec![at(3, 1), at(3, 8), at(4, 8), at(4, 10)]
        );
    }
}
