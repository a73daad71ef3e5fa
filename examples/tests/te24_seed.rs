//! Checks `models/te24.json` against the deck it encodes.
//!
//! The expectations are derived from the deck text itself (`models/te24.deck.txt`, a
//! verbatim copy of the slide deck's text layer), not written down here: the text is
//! split into slides on runs of blank lines, the lettered work packages (`A` ... `G`)
//! and numbered sub-tasks (`1`, `2.`, ...) are counted per slide and per area, and the
//! counts (and the letters and numbers themselves) are compared with the `task` children
//! and grandchildren of the corresponding area in the model. The table slides (5-6 and
//! 8), which repeat the tasks of slides 4 and 7, are not counted as tasks: they are
//! cross-checked instead (one row per task, same schedules and statuses).
//!
//! Only the mapping from the deck's sections to the model's area ids is recorded here.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::PathBuf;

use serde_json::Value;

/// The lettered sections of the deck, in deck order, with the slide each starts on and
/// the model area that encodes it. A section starts at a work package lettered `A`;
/// slides 3, 13 (top) and 16 have no `A` and continue the section before them.
const LETTERED_SECTIONS: &[(&str, usize, &str)] = &[
    ("ra", 2, "Viitearkkitehtuuri (slides 2-3)"),
    ("tj", 4, "Tietojärjestelmät (slide 4)"),
    ("kv", 12, "Work in Finland, kv-rekrytointi (slides 12-13)"),
    ("rm", 13, "Rakennemuutostilanteet (slide 13)"),
    ("tt", 14, "Työttömyysturva (slide 14)"),
    ("vn", 15, "Valtakunnalliset neuvontapalvelut (slides 15-16)"),
    ("ty", 17, "Työnantaja- ja yrityspalvelut (slide 17)"),
    ("ot", 18, "Oikeudellinen tuki (slide 18)"),
];

/// Overview slides list the lettered packages of several areas in interleaved columns,
/// so only their union can be compared: slide -> the areas whose packages it lists.
const OVERVIEW_SLIDES: &[(usize, &[&str])] =
    &[(10, &["kv", "rm", "tt", "vn", "ty"]), (11, &["ot"])];

/// Slide 9 (Ylialueellinen yhteistyö): five unlettered areas, each numbered from 1.
const INTER_REGIONAL: (usize, &str) = (9, "yy");

/// Slide 7 (Palvelut) has no letters or numbers; slide 8 is its table.
const SERVICES: (usize, usize, &str) = (7, 8, "pal");

/// Slides 5-6: the table of the information-systems tasks of slide 4.
const IS_TABLE: (&[usize], &str) = (&[5, 6], "tj");

/// The programme task, whose period slide 1 gives.
const PROGRAMME: (usize, &str) = (1, "te24");

const DECK_SLIDES: usize = 18;

// ---------------------------------------------------------------- the deck

#[derive(Debug)]
struct Slide {
    /// 1-based slide number.
    number: usize,
    lines: Vec<String>,
}

impl Slide {
    fn text(&self) -> String {
        self.lines.join("\n")
    }
    fn is_table(&self) -> bool {
        self.lines
            .iter()
            .any(|l| l.trim_start().starts_with("Valmisteluryhmä/-taho"))
    }
    fn markers(&self) -> Vec<Marker> {
        self.lines.iter().flat_map(|l| markers(l)).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// A lettered work package: `A Viitearkkitehtuurin ...`.
    Letter(char),
    /// A numbered sub-task: `1 Hallintamallin ...`, `3. Hallintamallin ...`.
    Number(u32),
}

fn manifest_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> String {
    let path = manifest_path(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Splits the text into slides: a slide is a run of lines separated from the next by two
/// or more blank (or whitespace-only) lines. Inside a slide, lines alternate with single
/// blank lines.
fn slides(text: &str) -> Vec<Slide> {
    let mut out: Vec<Slide> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut blanks = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blanks += 1;
            continue;
        }
        if blanks >= 2 && !current.is_empty() {
            out.push(Slide {
                number: out.len() + 1,
                lines: std::mem::take(&mut current),
            });
        }
        blanks = 0;
        current.push(line.to_owned());
    }
    if !current.is_empty() {
        out.push(Slide {
            number: out.len() + 1,
            lines: current,
        });
    }
    out
}

/// The item markers on one line of the deck, in order.
///
/// A lettered package is a token that is a single letter `A`-`G` followed by a word that
/// starts with a capital (several packages can share a line: `B PALVELUOHJAUS C
/// VERKOSTOYHTEISTYÖ`), or a line that is only the letter (the title follows on the next
/// line). A numbered sub-task is a one- or two-digit number, optionally followed by `.`,
/// that starts the line or is glued to the end of the previous item's text
/// (`Päätöksentekovaltuudet3 Määritellään ...`), and that is followed by text, by a
/// capital directly after the dot (`1.TEHTÄVÄKOKONAISUUS:`), or by the end of the line.
/// Dates such as `3.4.` or `20.3.2023`, quarters such as `Q2-Q3/2023` and numbers inside
/// running text (`55+`, `6/23`) are not markers.
fn markers(line: &str) -> Vec<Marker> {
    let line = line.trim();
    let mut out = Vec::new();

    let tokens: Vec<&str> = line.split_whitespace().collect();
    for (i, tok) in tokens.iter().enumerate() {
        let mut chars = tok.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            continue;
        };
        if !('A'..='G').contains(&c) {
            continue;
        }
        let lettered = match tokens.get(i + 1) {
            None => i == 0,
            Some(next) => next.chars().next().is_some_and(char::is_uppercase),
        };
        if lettered {
            out.push(Marker::Letter(c));
        }
    }

    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let begins_item = i == 0 || chars[i - 1].is_alphabetic();
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if !begins_item || i - start > 2 {
            continue;
        }
        let mut k = i;
        let dotted = chars.get(k) == Some(&'.');
        if dotted {
            k += 1;
        }
        let followed_by_text = match chars.get(k) {
            None => true,
            Some(c) if c.is_whitespace() => chars[k..]
                .iter()
                .find(|c| !c.is_whitespace())
                .is_none_or(|c| !c.is_ascii_digit()),
            Some(c) => dotted && c.is_uppercase(),
        };
        if followed_by_text {
            let n: String = chars[start..i].iter().collect();
            out.push(Marker::Number(n.parse().expect("one or two digits")));
        }
    }
    out
}

fn letters(ms: &[Marker]) -> Vec<char> {
    let mut v: Vec<char> = ms
        .iter()
        .filter_map(|m| match m {
            Marker::Letter(c) => Some(*c),
            Marker::Number(_) => None,
        })
        .collect();
    v.sort_unstable();
    v
}

fn numbers(ms: &[Marker]) -> Vec<u32> {
    let mut v: Vec<u32> = ms
        .iter()
        .filter_map(|m| match m {
            Marker::Number(n) => Some(*n),
            Marker::Letter(_) => None,
        })
        .collect();
    v.sort_unstable();
    v
}

#[derive(Debug, Default)]
struct Section {
    first_slide: usize,
    slides: Vec<usize>,
    markers: Vec<Marker>,
}

/// The lettered sections of the diagram slides (not tables, not overviews), in order.
fn lettered_sections(deck: &[Slide]) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for slide in deck {
        let ms = slide.markers();
        let has_letters = ms.iter().any(|m| matches!(m, Marker::Letter(_)));
        let has_numbers = ms.iter().any(|m| matches!(m, Marker::Number(_)));
        if slide.is_table() || !has_letters || !has_numbers {
            continue; // tables, overviews (letters only), unlettered slides
        }
        for m in ms {
            if m == Marker::Letter('A') || sections.is_empty() {
                sections.push(Section {
                    first_slide: slide.number,
                    ..Section::default()
                });
            }
            let s = sections.last_mut().expect("pushed above");
            if s.slides.last() != Some(&slide.number) {
                s.slides.push(slide.number);
            }
            s.markers.push(m);
        }
    }
    sections
}

fn deck() -> Vec<Slide> {
    let deck = slides(&read("../models/te24.deck.txt"));
    assert_eq!(
        deck.len(),
        DECK_SLIDES,
        "models/te24.deck.txt should split into {DECK_SLIDES} slides on runs of blank lines"
    );
    deck
}

fn slide(deck: &[Slide], n: usize) -> &Slide {
    &deck[n - 1]
}

// ---------------------------------------------------------------- the model

#[derive(Debug)]
struct Model {
    elements: HashMap<String, Value>,
    /// parent id -> ids of its `task` children, in file order.
    task_children: HashMap<String, Vec<String>>,
}

impl Model {
    fn load() -> Model {
        let text = read("../models/te24.json");
        let doc: Value = serde_json::from_str(&text).expect("models/te24.json is valid JSON");
        let mut elements = HashMap::new();
        let mut task_children: HashMap<String, Vec<String>> = HashMap::new();
        for e in doc["elements"].as_array().expect("an `elements` array") {
            let id = e["id"]
                .as_str()
                .expect("every element has an id")
                .to_owned();
            if e["kind"] == "task"
                && let Some(p) = e["parent"].as_str()
            {
                task_children
                    .entry(p.to_owned())
                    .or_default()
                    .push(id.clone());
            }
            assert!(
                elements.insert(id.clone(), e.clone()).is_none(),
                "duplicate element id `{id}`"
            );
        }
        Model {
            elements,
            task_children,
        }
    }

    fn get(&self, id: &str) -> &Value {
        self.elements
            .get(id)
            .unwrap_or_else(|| panic!("models/te24.json has no element `{id}`"))
    }

    fn prop<'a>(&'a self, id: &str, key: &str) -> Option<&'a str> {
        self.get(id)["properties"][key].as_str()
    }

    fn str_field<'a>(&'a self, id: &str, key: &str) -> Option<&'a str> {
        self.get(id)[key].as_str()
    }

    /// The work packages of an area: its `task` children.
    fn packages(&self, area: &str) -> Vec<String> {
        assert_eq!(
            self.get(area)["kind"],
            "task",
            "area `{area}` should be a task"
        );
        self.task_children.get(area).cloned().unwrap_or_default()
    }

    /// The sub-tasks of an area: the `task` children of its work packages.
    fn sub_tasks(&self, area: &str) -> Vec<String> {
        self.packages(area)
            .iter()
            .flat_map(|p| self.task_children.get(p).cloned().unwrap_or_default())
            .collect()
    }

    fn sorted_props(&self, ids: &[String], key: &str) -> Vec<String> {
        let mut v: Vec<String> = ids
            .iter()
            .filter_map(|id| self.prop(id, key).map(str::to_owned))
            .collect();
        v.sort();
        v
    }

    fn count_with_prop(&self, key: &str) -> usize {
        self.elements
            .values()
            .filter(|e| e["kind"] == "task" && e["properties"][key].is_string())
            .count()
    }
}

fn chars_of(v: &[String]) -> Vec<char> {
    v.iter()
        .map(|s| {
            let mut c = s.chars();
            match (c.next(), c.next()) {
                (Some(c), None) => c,
                _ => panic!("`{s}` is not a single letter"),
            }
        })
        .collect()
}

fn nums_of(v: &[String]) -> Vec<u32> {
    let mut n: Vec<u32> = v
        .iter()
        .map(|s| {
            s.parse()
                .unwrap_or_else(|_| panic!("`{s}` is not a number"))
        })
        .collect();
    n.sort_unstable();
    n
}

// ---------------------------------------------------------------- tests

#[test]
fn marker_parsing_handles_the_decks_quirks() {
    use Marker::{Letter, Number};
    assert_eq!(
        markers("A Viitearkkitehtuurin "),
        vec![Letter('A')],
        "a package letter"
    );
    assert_eq!(
        markers("E "),
        vec![Letter('E')],
        "a letter alone on its line"
    );
    assert_eq!(
        markers("B PALVELUOHJAUS C VERKOSTOYHTEISTYÖ"),
        vec![Letter('B'), Letter('C')],
        "two packages on one line"
    );
    assert_eq!(
        markers("1 Tarve tarkentuu B - ja C –"),
        vec![Number(1)],
        "letters in running text"
    );
    assert_eq!(markers("3. Hallintamallin sisällön "), vec![Number(3)]);
    assert_eq!(markers("1.TEHTÄVÄKOKONAISUUS:"), vec![Number(1)]);
    assert_eq!(
        markers("3 Päätöksentekovaltuudet3 Määritellään tavoitteet ja"),
        vec![Number(3), Number(3)],
        "two sub-tasks glued on one line"
    );
    assert_eq!(markers("2 "), vec![Number(2)], "a number alone on its line");
    assert_eq!(markers("3.4."), vec![], "a date");
    assert_eq!(
        markers(" 20.3.2023-31.5.2025"),
        vec![],
        "the programme period"
    );
    assert_eq!(markers("Q2-Q3/2023 Työn alla"), vec![], "a quarter");
    assert_eq!(
        markers("F.E.C/KEKO-koulutukset ja 55+ "),
        vec![],
        "numbers in running text"
    );
    assert_eq!(markers("Käsitelty 6/23"), vec![]);
}

#[test]
fn deck_splits_into_the_eighteen_slides() {
    let deck = deck();
    for (n, area) in [(2, "ra"), (9, "yy"), (10, "vk"), (18, "ot")] {
        assert!(
            !slide(&deck, n).lines.is_empty(),
            "slide {n} ({area}) should not be empty"
        );
    }
    let tables: Vec<usize> = deck
        .iter()
        .filter(|s| s.is_table())
        .map(|s| s.number)
        .collect();
    assert_eq!(
        tables,
        vec![5, 6, 8],
        "the table slides (with a 'Valmisteluryhmä/-taho' header) should be 5, 6 and 8"
    );
    for &t in &tables {
        assert_eq!(
            slide(&deck, t).markers(),
            vec![],
            "table slide {t} repeats tasks and must not contribute lettered or numbered items"
        );
    }
}

#[test]
fn lettered_areas_have_exactly_the_decks_packages_and_sub_tasks() {
    let deck = deck();
    let model = Model::load();
    let sections = lettered_sections(&deck);
    let found: Vec<usize> = sections.iter().map(|s| s.first_slide).collect();
    let expected: Vec<usize> = LETTERED_SECTIONS.iter().map(|s| s.1).collect();
    assert_eq!(
        found, expected,
        "the deck's lettered sections (each starting at a package `A`) should start on these slides"
    );
    let mut report = Vec::new();
    for (section, &(area, _, what)) in sections.iter().zip(LETTERED_SECTIONS) {
        let deck_letters = letters(&section.markers);
        let deck_numbers = numbers(&section.markers);
        let packages = model.packages(area);
        let subs = model.sub_tasks(area);
        let lettered: Vec<String> = packages
            .iter()
            .filter(|p| model.prop(p, "letter").is_some())
            .cloned()
            .collect();
        let mut model_letters = chars_of(&model.sorted_props(&packages, "letter"));
        model_letters.sort_unstable();
        let model_numbers = nums_of(&model.sorted_props(&subs, "number"));
        report.push(format!(
            "{area:3} {what}: deck {} packages / {} sub-tasks on slides {:?}; model {} / {}",
            deck_letters.len(),
            deck_numbers.len(),
            section.slides,
            lettered.len(),
            subs.len()
        ));
        assert_eq!(
            lettered.len(),
            deck_letters.len(),
            "{what}: the deck lists {} lettered packages, area `{area}` has {} task children with a `letter`: {lettered:?}",
            deck_letters.len(),
            lettered.len()
        );
        assert_eq!(
            model_letters, deck_letters,
            "{what}: package letters in the deck vs. `letter` properties under `{area}`"
        );
        assert_eq!(
            subs.len(),
            deck_numbers.len(),
            "{what}: the deck lists {} numbered sub-tasks, area `{area}` has {} task grandchildren: {subs:?}",
            deck_numbers.len(),
            subs.len()
        );
        assert_eq!(
            model_numbers, deck_numbers,
            "{what}: sub-task numbers in the deck vs. `number` properties under `{area}`"
        );
        for p in &packages {
            if model.prop(p, "letter").is_none() {
                assert!(
                    model.prop(p, "overview_letter").is_some(),
                    "{what}: package `{p}` has no `letter`, so it must come from an overview slide (`overview_letter`)"
                );
                assert!(
                    model.task_children.get(p).is_none_or(Vec::is_empty),
                    "{what}: `{p}` is on no sub-task slide, so it cannot have sub-tasks"
                );
            }
            if let Some(l) = model.prop(p, "letter") {
                let id_letter = p.rsplit('.').next().unwrap_or_default();
                assert_eq!(
                    id_letter, l,
                    "{what}: package `{p}` should end in its letter `{l}`"
                );
            }
        }
        for s in &subs {
            let n = model.prop(s, "number").unwrap_or_default();
            assert!(
                s.ends_with(&format!(".{n}")),
                "{what}: sub-task `{s}` should end in its number `{n}`"
            );
        }
    }
    println!("{}", report.join("\n"));
}

#[test]
fn overview_slides_list_the_same_packages() {
    let deck = deck();
    let model = Model::load();
    for &(n, areas) in OVERVIEW_SLIDES {
        let ms = slide(&deck, n).markers();
        assert!(
            !ms.is_empty() && ms.iter().all(|m| matches!(m, Marker::Letter(_))),
            "slide {n} should be an overview listing only lettered packages"
        );
        let deck_letters = letters(&ms);
        let packages: Vec<String> = areas.iter().flat_map(|a| model.packages(a)).collect();
        let mut model_letters = chars_of(&model.sorted_props(&packages, "overview_letter"));
        model_letters.sort_unstable();
        assert_eq!(
            packages.len(),
            deck_letters.len(),
            "overview slide {n} lists {} packages for {areas:?}; the model has {} task children there: {packages:?}",
            deck_letters.len(),
            packages.len()
        );
        assert_eq!(
            model_letters, deck_letters,
            "overview slide {n}: letters on the slide vs. `overview_letter` of the packages of {areas:?}"
        );
    }
}

#[test]
fn inter_regional_area_has_the_five_numbered_entities() {
    let deck = deck();
    let model = Model::load();
    let (n, area) = INTER_REGIONAL;
    let ms = slide(&deck, n).markers();
    assert!(
        ms.iter().all(|m| matches!(m, Marker::Number(_))),
        "slide {n} should have numbered items only"
    );
    // Each unlettered package numbers its items from 1.
    let deck_packages = ms.iter().filter(|m| **m == Marker::Number(1)).count();
    let deck_numbers = numbers(&ms);
    let packages = model.packages(area);
    let subs = model.sub_tasks(area);
    assert_eq!(
        packages.len(),
        deck_packages,
        "slide {n} has {deck_packages} entities (numbering restarts at 1), `{area}` has {} task children: {packages:?}",
        packages.len()
    );
    assert_eq!(
        subs.len(),
        deck_numbers.len(),
        "slide {n} has {} numbered items, `{area}` has {} task grandchildren",
        deck_numbers.len(),
        subs.len()
    );
    assert_eq!(
        nums_of(&model.sorted_props(&subs, "number")),
        deck_numbers,
        "slide {n}: item numbers vs. `number` properties under `{area}`"
    );
    for p in &packages {
        assert!(
            model.prop(p, "letter").is_none(),
            "`{p}`: slide {n} does not letter its entities"
        );
    }
}

/// Maps a status word of the deck to the model's status.
fn status_of(word: &str) -> &'static str {
    match word {
        "Aloittamatta" => "not_started",
        "Työn alla" => "in_progress",
        "Valmis" => "done",
        other => panic!("unknown status `{other}`"),
    }
}

#[test]
fn services_table_rows_match_the_services_packages() {
    let deck = deck();
    let model = Model::load();
    let (diagram, table, area) = SERVICES;
    assert_eq!(
        slide(&deck, diagram).markers(),
        vec![],
        "slide {diagram} letters or numbers nothing"
    );
    assert!(slide(&deck, table).is_table(), "slide {table} is a table");
    // A row is the line with its schedule (a quarter) and its status at the end.
    let mut rows: Vec<(String, &str)> = Vec::new();
    for line in &slide(&deck, table).lines {
        let line = line.trim();
        let has_quarter = line
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'Q' && w[1].is_ascii_digit());
        for word in ["Aloittamatta", "Työn alla", "Valmis"] {
            if has_quarter && line.ends_with(word) {
                let schedule = line[..line.len() - word.len()].trim().to_owned();
                rows.push((schedule, status_of(word)));
            }
        }
    }
    let packages = model.packages(area);
    assert_eq!(
        packages.len(),
        rows.len(),
        "the table on slide {table} has {} rows {rows:?}; `{area}` has {} task children {packages:?}",
        rows.len(),
        packages.len()
    );
    assert!(
        model.sub_tasks(area).is_empty(),
        "slide {diagram} numbers no sub-tasks, so `{area}` should have no task grandchildren"
    );
    let mut deck_rows: Vec<(String, String)> = rows
        .iter()
        .map(|(s, st)| (s.clone(), (*st).to_owned()))
        .collect();
    deck_rows.sort();
    let mut model_rows: Vec<(String, String)> = packages
        .iter()
        .map(|p| {
            (
                model.prop(p, "schedule").unwrap_or("(none)").to_owned(),
                model.str_field(p, "status").unwrap_or("(none)").to_owned(),
            )
        })
        .collect();
    model_rows.sort();
    assert_eq!(
        model_rows, deck_rows,
        "(schedule, status) of the rows on slide {table} vs. the packages of `{area}`"
    );
}

/// The schedule phrase of a row of the information-systems table, if the line has one.
fn is_schedule(line: &str) -> Option<String> {
    [
        "Ensimmäinen käsittely ",
        "Käsitelty ",
        "Käsittely ",
        "Aloitus ",
        "Syksy ",
    ]
    .iter()
    .filter_map(|p| line.find(p))
    .min()
    .map(|at| line[at..].trim().to_owned())
}

#[test]
fn information_systems_table_matches_the_sub_tasks() {
    let deck = deck();
    let model = Model::load();
    let (slides, area) = IS_TABLE;
    let mut schedules: Vec<String> = Vec::new();
    for &n in slides {
        let s = slide(&deck, n);
        assert!(
            s.is_table() && s.text().contains("PADI/"),
            "slide {n} should be the PADI/Tietojärjestelmät table"
        );
        schedules.extend(s.lines.iter().filter_map(|l| is_schedule(l)));
    }
    schedules.sort();
    let subs = model.sub_tasks(area);
    assert_eq!(
        subs.len(),
        schedules.len(),
        "the table on slides {slides:?} has {} rows (schedules {schedules:?}); `{area}` has {} sub-tasks",
        schedules.len(),
        subs.len()
    );
    assert_eq!(
        model.sorted_props(&subs, "schedule"),
        schedules,
        "schedules in the table vs. `schedule` properties of the sub-tasks of `{area}`"
    );
    // Each schedule phrase of the table has one encoding (see `encoding_of`); every row
    // is checked, and a phrase without a rule fails the test.
    let mut done = BTreeMap::new();
    for s in &subs {
        let schedule = model.prop(s, "schedule").unwrap_or_default();
        let want = encoding_of(schedule);
        let got = Encoding {
            status: model.str_field(s, "status").map(str::to_owned),
            start: model.str_field(s, "start").map(str::to_owned),
            end: model.str_field(s, "end").map(str::to_owned),
            first_handling: model.prop(s, "first_handling").map(str::to_owned),
        };
        assert_eq!(
            got, want,
            "`{s}` ({schedule}): status, start, end, first_handling"
        );
        if got.status.as_deref() == Some("done") {
            done.insert(s.clone(), got.end);
        }
    }
    let deck_handled = schedules
        .iter()
        .filter(|s| s.starts_with("Käsitelty "))
        .count();
    assert_eq!(
        done.len(),
        deck_handled,
        "rows marked 'Käsitelty' vs. done sub-tasks: {done:?}"
    );
}

/// How the model encodes one schedule phrase of the information-systems table.
#[derive(Debug, PartialEq, Eq)]
struct Encoding {
    status: Option<String>,
    start: Option<String>,
    end: Option<String>,
    first_handling: Option<String>,
}

/// Autumn (syksy) is September to November; the format has months but no seasons, so
/// an autumn start is its first month and an autumn end its last.
const AUTUMN: (&str, &str) = ("09", "11");

/// The encoding a schedule phrase of the information-systems table calls for:
///
/// - `Käsitelty M/YY` (handled): done, ending that month (a past handling, set against
///   the handlings to come of the same column);
/// - `Käsittely M/YY` (handling): ends that month, no status;
/// - `Ensimmäinen käsittely M/YY` (first handling): no dates (a first handling does not
///   end the task), the month in the `first_handling` property;
/// - `Syksy YYYY` (autumn): from September to November;
/// - `Käsittely syksy YYYY` (handling in autumn): ends in November;
/// - `Aloitus syksy YYYY` (start in autumn): starts in September.
fn encoding_of(schedule: &str) -> Encoding {
    let month = |m_yy: &str| {
        let (m, yy) = m_yy
            .split_once('/')
            .unwrap_or_else(|| panic!("`{schedule}` does not end in M/YY"));
        let m: u32 = m.parse().expect("a month number");
        assert!((1..=12).contains(&m), "`{schedule}`: month {m}");
        assert!(yy.len() == 2 && yy.bytes().all(|b| b.is_ascii_digit()));
        Some(format!("20{yy}-{m:02}"))
    };
    let autumn = |yyyy: &str, (first, last): (bool, bool)| {
        assert!(yyyy.len() == 4 && yyyy.bytes().all(|b| b.is_ascii_digit()));
        (
            first.then(|| format!("{yyyy}-{}", AUTUMN.0)),
            last.then(|| format!("{yyyy}-{}", AUTUMN.1)),
        )
    };
    let none = Encoding {
        status: None,
        start: None,
        end: None,
        first_handling: None,
    };
    if let Some(rest) = schedule.strip_prefix("Käsitelty ") {
        Encoding {
            status: Some("done".to_owned()),
            end: month(rest),
            ..none
        }
    } else if let Some(rest) = schedule.strip_prefix("Ensimmäinen käsittely ") {
        Encoding {
            first_handling: month(rest),
            ..none
        }
    } else if let Some(rest) = schedule.strip_prefix("Käsittely syksy ") {
        let (_, end) = autumn(rest, (false, true));
        Encoding { end, ..none }
    } else if let Some(rest) = schedule.strip_prefix("Käsittely ") {
        Encoding {
            end: month(rest),
            ..none
        }
    } else if let Some(rest) = schedule.strip_prefix("Aloitus syksy ") {
        let (start, _) = autumn(rest, (true, false));
        Encoding { start, ..none }
    } else if let Some(rest) = schedule.strip_prefix("Syksy ") {
        let (start, end) = autumn(rest, (true, true));
        Encoding { start, end, ..none }
    } else {
        panic!("no encoding rule for the schedule phrase `{schedule}`")
    }
}

#[test]
fn every_lettered_and_numbered_task_comes_from_the_deck() {
    let deck = deck();
    let model = Model::load();
    let diagram: Vec<Marker> = deck
        .iter()
        .filter(|s| {
            let ms = s.markers();
            !s.is_table() && ms.iter().any(|m| matches!(m, Marker::Number(_)))
        })
        .flat_map(Slide::markers)
        .collect();
    let deck_letters = letters(&diagram).len();
    let deck_numbers = numbers(&diagram).len();
    assert_eq!(
        model.count_with_prop("letter"),
        deck_letters,
        "the deck's diagram slides letter {deck_letters} packages; tasks with a `letter` property in the model"
    );
    assert_eq!(
        model.count_with_prop("number"),
        deck_numbers,
        "the deck's diagram slides number {deck_numbers} sub-tasks; tasks with a `number` property in the model"
    );
}

#[test]
fn programme_period_is_the_decks() {
    let deck = deck();
    let model = Model::load();
    let (n, id) = PROGRAMME;
    let first = slide(&deck, n).lines[0].trim().to_owned();
    let (from, to) = first
        .split_once('-')
        .unwrap_or_else(|| panic!("slide {n} should open with the period, found `{first}`"));
    let iso = |d: &str| {
        let p: Vec<&str> = d.split('.').collect();
        assert_eq!(p.len(), 3, "`{d}` is not d.m.yyyy");
        format!("{}-{:0>2}-{:0>2}", p[2], p[1], p[0])
    };
    assert_eq!(model.str_field(id, "start"), Some(iso(from).as_str()));
    assert_eq!(model.str_field(id, "end"), Some(iso(to).as_str()));
    assert_eq!(model.prop(id, "schedule"), Some(first.as_str()));
}
