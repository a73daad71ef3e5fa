//! Did-you-mean suggestions: words by edit distance, elements by id or by name.

use std::collections::HashMap;

/// Words longer than this many characters get no suggestion: a typo in an id that long is
/// not what a suggestion helps with, and comparing two of them cost their lengths'
/// product (a 60 KB model whose relation named a 30,000-character id with one character
/// added took 18 s and 7 GB to check).
pub const MAX_WORD: usize = 256;

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely
/// typo (at most a third of the word's length, and at least one edit). A word longer
/// than [`MAX_WORD`] characters has none.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut unlimited = u64::MAX;
    closest_within(word, candidates, &mut unlimited)
}

/// [`closest`] with a budget of work: `work` is how many cells of the edit-distance
/// tables may still be computed, and is decreased by those computed. When it runs out,
/// the answer is `None` (never a candidate that only the part searched so far found) and
/// `work` is left at 0, so that many searches among many candidates take bounded time
/// together. The work each candidate takes depends on it and `word` alone, so the answer
/// and the work left are the same whatever order the candidates come in (a hash map's,
/// seeded per process).
pub fn closest_within<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    work: &mut u64,
) -> Option<&'a str> {
    let wlen = word.chars().count();
    if wlen > MAX_WORD {
        return None;
    }
    let limit = (wlen / 3).max(1);
    let a: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    let mut t = Table::default();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        // Counted no further than a length that can still qualify.
        let clen = cand.chars().take(wlen + limit + 1).count();
        if clen.abs_diff(wlen) > limit || cand == word {
            continue;
        }
        match t.within(&a, cand, limit, work) {
            Within::Yes(d) => {
                if best.is_none_or(|(bd, bc)| (d, cand) < (bd, bc)) {
                    best = Some((d, cand));
                }
            }
            Within::No => {}
            Within::OutOfWork => {
                *work = 0;
                return None;
            }
        }
    }
    best.map(|(_, c)| c)
}

/// The id of `model`'s element that `word`, which is no id of the model, most likely
/// means: the [closest] id, or else the first element (in the model's order)
/// with a name, in any of its languages, that `word` spells the same way up to case,
/// accents and everything but letters and digits (`tyomarkkinatori` and
/// `Työmarkkinatori`, `case management system` and `Case-management system`). A word
/// longer than [`MAX_WORD`] characters has none. Time is linear in the model's names.
pub fn element<'m>(model: &'m crate::Model, word: &str) -> Option<&'m str> {
    element_among(|| model.elements(), word)
}

/// [`element`] among the elements `elements` gives (asked twice: for the ids, then,
/// when none is close, for the names), such as the tasks alone.
pub fn element_among<'m, I>(elements: impl Fn() -> I, word: &str) -> Option<&'m str>
where
    I: IntoIterator<Item = crate::Element<'m>>,
{
    closest(word, elements().into_iter().map(|e| e.id().as_str()))
        .or_else(|| Names::new(elements()).find(word))
}

/// The tag of `elements` closest to `word` ([`closest`]), for a tag none of them has.
pub fn tag<'m>(
    elements: impl IntoIterator<Item = crate::Element<'m>>,
    word: &str,
) -> Option<&'m str> {
    let mut tags: Vec<&str> = Vec::new();
    for e in elements {
        tags.extend(e.tags());
    }
    tags.sort_unstable();
    tags.dedup();
    closest(word, tags)
}

/// Elements by their names as [`element`] reads them: what the names spell, each
/// kept for the first element that has it.
pub(crate) struct Names<'m>(HashMap<String, &'m str>);

impl<'m> Names<'m> {
    pub(crate) fn new(elements: impl IntoIterator<Item = crate::Element<'m>>) -> Names<'m> {
        let mut names = HashMap::new();
        for e in elements {
            for name in e.name().values() {
                names.entry(fold(name)).or_insert(e.id().as_str());
            }
        }
        Names(names)
    }

    /// The id of the first element with a name `word` spells; none for a word longer
    /// than [`MAX_WORD`] characters or with no letter or digit.
    pub(crate) fn find(&self, word: &str) -> Option<&'m str> {
        if word.chars().count() > MAX_WORD {
            return None;
        }
        let key = fold(word);
        if key.is_empty() {
            return None;
        }
        self.0.get(&key).copied()
    }
}

/// `s` lowercased, with the accents of Latin letters taken off and every character but
/// letters and digits left out.
fn fold(s: &str) -> String {
    let mut out = unaccented(s);
    out.retain(char::is_alphanumeric);
    out
}

/// `s` lowercased, with the accents of Latin letters taken off (`Työ` is `tyo`).
pub(crate) fn unaccented(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'č' => out.push('c'),
            'ď' | 'đ' => out.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' => out.push('i'),
            'ł' => out.push('l'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'ř' => out.push('r'),
            'ś' | 'š' => out.push('s'),
            'ß' => out.push_str("ss"),
            'ť' => out.push('t'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            c => out.push(c),
        }
    }
    out
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions),
/// case-insensitive so that `Actor` suggests `actor`. Time is the product of the
/// lengths, memory their sum.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let mut t = Table::default();
    let bound = a.len() + b.chars().flat_map(char::to_lowercase).count();
    let mut unlimited = u64::MAX;
    match t.within(&a, b, bound, &mut unlimited) {
        Within::Yes(d) => d,
        // Not reached: no distance exceeds the sum of the lengths.
        Within::No | Within::OutOfWork => bound,
    }
}

enum Within {
    Yes(usize),
    No,
    OutOfWork,
}

/// Three rows of the distance table (the transposition looks two rows back), reused
/// from candidate to candidate.
#[derive(Default)]
struct Table {
    b: Vec<char>,
    rows: [Vec<usize>; 3],
}

impl Table {
    /// The distance between `a` (lowercased) and `b` when it is at most `k`. Only the
    /// band of cells within `k` of the diagonal is computed (a cell outside it is at
    /// least its distance from the diagonal), and the search stops at the first row
    /// whose cells all exceed `k` (no later cell can come back within it).
    fn within(&mut self, a: &[char], b: &str, k: usize, work: &mut u64) -> Within {
        self.b.clear();
        self.b.extend(b.chars().flat_map(char::to_lowercase));
        let (b, rows) = (&self.b, &mut self.rows);
        let (n, m) = (a.len(), b.len());
        if n.abs_diff(m) > k {
            return Within::No;
        }
        if m == 0 {
            return Within::Yes(n);
        }
        // Any value over `k`: what a cell outside the band stands for.
        let far = k.saturating_add(1);
        for r in rows.iter_mut() {
            r.clear();
            r.resize(m + 2, far);
        }
        let [r0, r1, r2] = rows;
        let (mut prev2, mut prev, mut cur) = (r0, r1, r2);
        for (j, cell) in prev.iter_mut().enumerate().take(m.min(k) + 1) {
            *cell = j;
        }
        for i in 1..=n {
            let lo = i.saturating_sub(k).max(1);
            let hi = (i + k).min(m);
            if lo > hi {
                return Within::No;
            }
            let cells = (hi - lo + 1) as u64;
            if *work < cells {
                return Within::OutOfWork;
            }
            *work -= cells;
            cur[lo - 1] = if lo == 1 { i.min(far) } else { far };
            let mut row_min = cur[lo - 1];
            for j in lo..=hi {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(prev2[j - 2] + 1);
                }
                let v = v.min(far);
                cur[j] = v;
                row_min = row_min.min(v);
            }
            cur[hi + 1] = far;
            if row_min > k {
                return Within::No;
            }
            std::mem::swap(&mut prev2, &mut prev);
            std::mem::swap(&mut prev, &mut cur);
        }
        match prev[m] {
            d if d <= k => Within::Yes(d),
            _ => Within::No,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole table, as `distance` was computed before the band.
    fn full(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
        let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
        let w = b.len() + 1;
        let mut d = vec![0usize; (a.len() + 1) * w];
        for i in 0..=a.len() {
            d[i * w] = i;
        }
        for (j, cell) in d.iter_mut().enumerate().take(w) {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                d[i * w + j] = v;
            }
        }
        d[a.len() * w + b.len()]
    }

    proptest::proptest! {
        #[test]
        fn banded_distance_is_the_whole_tables(a in "[abcA]{0,12}", b in "[abcB]{0,12}", k in 0usize..14) {
            let want = full(&a, &b);
            proptest::prop_assert_eq!(distance(&a, &b), want);
            let lower: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
            let mut unlimited = u64::MAX;
            let got = match Table::default().within(&lower, &b, k, &mut unlimited) {
                Within::Yes(d) => Some(d),
                _ => None,
            };
            proptest::prop_assert_eq!(got, (want <= k).then_some(want));
        }
    }

    #[test]
    fn an_element_is_suggested_by_id_or_by_name() {
        let model = crate::Model::from_json_str(
            r#"{"ecograph": 1, "languages": ["fi", "en"], "elements": [
                {"id": "tmt", "kind": "system", "name": {"fi": "Työmarkkinatori", "en": "Job Market Finland"}},
                {"id": "kunta-asianhallinta", "kind": "system", "name": {"fi": "Asianhallintajärjestelmä", "en": "Case management system"}},
                {"id": "t1", "kind": "task", "name": "Case management system"}
            ]}"#,
        )
        .expect("valid model");
        let cases = [
            // A typo of an id beats a name.
            ("kunta-asianhalinta", Some("kunta-asianhallinta")),
            ("TMT", Some("tmt")),
            // A name, in either language, up to case, accents and punctuation.
            ("tyomarkkinatori", Some("tmt")),
            ("TYÖMARKKINATORI", Some("tmt")),
            ("job-market-finland", Some("tmt")),
            // Two elements share the name: the first in the model.
            ("case management system", Some("kunta-asianhallinta")),
            ("asianhallintajarjestelma", Some("kunta-asianhallinta")),
            // Neither an id nor a name.
            ("tyomarkkina", None),
            ("--", None),
        ];
        for (word, want) in cases {
            assert_eq!(element(&model, word), want, "{word}");
        }
        assert_eq!(element(&model, &"ö".repeat(MAX_WORD + 1)), None);
    }

    #[test]
    fn closest_finds_typos_and_not_far_words() {
        let names = ["actor", "system", "service", "tmt"];
        assert_eq!(closest("Actr", names), Some("actor"));
        assert_eq!(closest("sytsem", names), Some("system"));
        assert_eq!(closest("tnt", names), Some("tmt"));
        assert_eq!(closest("zzzzzz", names), None);
        assert_eq!(closest("actor", names), None);
    }

    #[test]
    fn words_past_the_limit_get_no_suggestion() {
        let long = "i".repeat(MAX_WORD);
        let near = format!("{long}j");
        assert_eq!(closest(&near, [long.as_str()]), None);
        let shorter = &long[1..];
        assert_eq!(closest(&long, [shorter]), Some(shorter));
    }

    #[test]
    fn the_work_of_a_search_does_not_depend_on_the_candidates_order() {
        let names = ["system-1", "sys", "ssystem-3", "other"];
        let mut reversed = names;
        reversed.reverse();
        for budget in 0..400 {
            let (mut a, mut b) = (budget, budget);
            let found = closest_within("system-3", names, &mut a);
            assert_eq!(closest_within("system-3", reversed, &mut b), found);
            assert_eq!(a, b, "budget {budget}");
        }
    }

    #[test]
    fn a_search_out_of_work_suggests_nothing() {
        let names = ["system-1", "system-2"];
        assert_eq!(
            closest_within("system-3", names, &mut 1_000),
            Some("system-1")
        );
        assert_eq!(closest_within("system-3", names, &mut 10), None);
    }
}
