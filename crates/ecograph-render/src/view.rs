//! Resolving a view into what a diagram draws: the elements (with their drawn
//! containment and collapsed contents) and the relations between them, merged where
//! collapse or repetition makes several relations one line.

use crate::Error;
use crate::highlight::{Highlight, Mark};
use crate::index::{self, ByElement, Groups, Links, Tags, Tree};
use crate::style::{self, metrics};
use ecograph_core::{
    Collapse, Element, ElementKind, ElementSet, LayoutDirection, Model, Relation, RelationKind,
    Selector, Text, View,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

/// The default `--max-nodes`: a view drawing more nodes than this is refused with a
/// suggestion.
pub const DEFAULT_MAX_NODES: usize = 150;

/// How a view is resolved and drawn.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Options {
    /// Language of names, labels and titles; the model's default language when `None`.
    pub lang: Option<String>,
    /// The most nodes a view may draw.
    pub max_nodes: usize,
    /// Elements to mark; empty means no highlighting.
    pub highlight: Highlight,
    /// SVG only: give every drawn element's group a `data-id` attribute holding the
    /// element's id as written (XML-escaped), so a page embedding the SVG can link
    /// nodes to elements. Off by default: the standalone files stay as they were.
    pub data_ids: bool,
    /// How SVG edges are routed; the style table's [`crate::EDGE_ROUTING`] by default.
    pub edges: crate::layout::EdgeRouting,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: None,
            max_nodes: DEFAULT_MAX_NODES,
            highlight: Highlight::new(),
            data_ids: false,
            edges: crate::style::EDGE_ROUTING,
        }
    }
}

impl Options {
    /// Sets the language.
    #[must_use]
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }
    /// Sets the node limit.
    #[must_use]
    pub fn max_nodes(mut self, max: usize) -> Self {
        self.max_nodes = max;
        self
    }
    /// Sets the highlight.
    #[must_use]
    pub fn highlight(mut self, highlight: Highlight) -> Self {
        self.highlight = highlight;
        self
    }
    /// Sets whether SVG element groups carry `data-id` attributes (see
    /// [`Options::data_ids`](Options#structfield.data_ids)).
    #[must_use]
    pub fn data_ids(mut self, on: bool) -> Self {
        self.data_ids = on;
        self
    }
    /// Sets how SVG edges are routed.
    #[must_use]
    pub fn edges(mut self, routing: crate::layout::EdgeRouting) -> Self {
        self.edges = routing;
        self
    }
}

/// One drawn element.
#[derive(Debug, Clone)]
pub struct Node<'m> {
    element: Element<'m>,
    parent: Option<usize>,
    children: Vec<usize>,
    hidden: usize,
    mark: Option<Mark>,
    has_edges: bool,
    lines: Vec<String>,
}

impl<'m> Node<'m> {
    /// The element.
    pub fn element(&self) -> Element<'m> {
        self.element
    }
    /// The drawn container (an index into [`Diagram::nodes`]), when containment is drawn.
    pub fn parent(&self) -> Option<usize> {
        self.parent
    }
    /// The drawn elements directly inside this one, in file order.
    pub fn children(&self) -> &[usize] {
        &self.children
    }
    /// Whether the node is drawn as a box around other nodes.
    pub fn is_container(&self) -> bool {
        !self.children.is_empty()
    }
    /// How many selected elements are collapsed into this node.
    pub fn hidden(&self) -> usize {
        self.hidden
    }
    /// The highlight mark: the element's own, or the strongest of what is collapsed into it.
    pub fn mark(&self) -> Option<Mark> {
        self.mark
    }
    /// Whether any drawn relation starts or ends here.
    pub fn has_edges(&self) -> bool {
        self.has_edges
    }
    /// The label, wrapped into lines; a collapsed node ends with a `+N` line.
    pub fn label_lines(&self) -> &[String] {
        &self.lines
    }
}

/// One drawn line: one or more relations of one kind between two drawn nodes.
#[derive(Debug, Clone)]
pub struct Edge<'m> {
    kind: RelationKind,
    from: usize,
    to: usize,
    relations: Vec<Relation<'m>>,
    label: String,
}

impl<'m> Edge<'m> {
    /// The relation kind.
    pub fn kind(&self) -> RelationKind {
        self.kind
    }
    /// Where it starts (an index into [`Diagram::nodes`]).
    pub fn from(&self) -> usize {
        self.from
    }
    /// Where it ends (an index into [`Diagram::nodes`]).
    pub fn to(&self) -> usize {
        self.to
    }
    /// The relations merged into this line, in file order.
    pub fn relations(&self) -> &[Relation<'m>] {
        &self.relations
    }
    /// How many relations the line stands for.
    pub fn count(&self) -> usize {
        self.relations.len()
    }
    /// The label: the relation's label (a flow's carried data), or `×N` for a merged line.
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// A resolved view: what one diagram draws.
#[derive(Debug, Clone)]
pub struct Diagram<'m> {
    model: &'m Model,
    id: String,
    title: String,
    direction: LayoutDirection,
    legend: bool,
    lang: Option<String>,
    highlighting: bool,
    data_ids: bool,
    routing: crate::layout::EdgeRouting,
    nodes: Vec<Node<'m>>,
    edges: Vec<Edge<'m>>,
}

impl<'m> Diagram<'m> {
    /// A diagram of exactly the elements of a set and the relations between them (a
    /// view with the id `set`, see [`View::from_set`]).
    ///
    /// ```
    /// use ecograph_core::{ElementKind, ElementSet, Model};
    /// use ecograph_render::{Diagram, Options};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let model = Model::from_json_str(r#"{"ecograph": 1, "elements": [
    ///   {"id": "a", "kind": "system", "name": "A"}, {"id": "b", "kind": "system", "name": "B"},
    ///   {"id": "d", "kind": "data", "name": "D"}],
    ///   "relations": [{"kind": "flow", "from": "a", "to": "b", "data": ["d"]}]}"#)?;
    /// let systems = ElementSet::of_kind(&model, ElementKind::System);
    /// let d = Diagram::from_set(&systems, &Options::default())?;
    /// assert_eq!(d.nodes().len(), 2);
    /// assert_eq!(d.edges().len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooManyNodes`] when the set has more than `options.max_nodes` elements
    /// to draw.
    pub fn from_set(set: &ElementSet<'m>, options: &Options) -> Result<Diagram<'m>, Error> {
        Diagram::new(set.model(), &View::from_set("set", set), options)
    }

    /// Resolves `view` against `model`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownElement`] when a selector names an element the model lacks (the
    /// model's own views are checked when it is loaded; views built in code are not),
    /// and [`Error::TooManyNodes`] when the view would draw more than
    /// `options.max_nodes` nodes, with a collapse or split that would bring it under.
    pub fn new(model: &'m Model, view: &View, options: &Options) -> Result<Diagram<'m>, Error> {
        let sel = Selection::new(model, view)?;
        let collapse = CollapseSet::new(model, &sel.tree, &view.collapse);
        let reps = sel.representatives(model, &collapse);
        let count = reps.drawn_count();
        if count > options.max_nodes {
            return Err(Error::TooManyNodes {
                view: view.id.clone(),
                nodes: count,
                limit: options.max_nodes,
                suggestion: suggest(model, &sel, view, options.max_nodes),
            });
        }
        Ok(build(model, view, options, &sel, &reps))
    }

    /// The model drawn.
    pub fn model(&self) -> &'m Model {
        self.model
    }
    /// The view's id (it names the output file).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The title, in the chosen language.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The main axis.
    pub fn direction(&self) -> LayoutDirection {
        self.direction
    }
    /// Whether a legend is drawn.
    pub fn legend(&self) -> bool {
        self.legend
    }
    /// How SVG edges are routed.
    pub fn edge_routing(&self) -> crate::layout::EdgeRouting {
        self.routing
    }
    /// The chosen language, if any.
    pub fn lang(&self) -> Option<&str> {
        self.lang.as_deref()
    }
    /// Whether a highlight is drawn (unmarked nodes then fade).
    pub fn is_highlighting(&self) -> bool {
        self.highlighting
    }
    /// Whether SVG element groups carry `data-id` attributes ([`Options::data_ids`]).
    pub fn data_ids(&self) -> bool {
        self.data_ids
    }
    /// The drawn elements, in model file order.
    pub fn nodes(&self) -> &[Node<'m>] {
        &self.nodes
    }
    /// The drawn lines, in the file order of their first relation.
    pub fn edges(&self) -> &[Edge<'m>] {
        &self.edges
    }
    /// The nodes not inside another drawn node, in file order.
    pub fn top_level(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.len()).filter(|&i| self.nodes[i].parent.is_none())
    }
    /// The drawn node of an element, if it is drawn as itself.
    pub fn node_of(&self, id: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.element.id().as_str() == id)
    }
    /// This diagram in another language (`None`: the model's default), the same as
    /// [`Diagram::new`] of `view` (the view it was made from) in `lang` would give. It
    /// costs what the diagram holds, where [`Diagram::new`] walks the model: a report
    /// draws each view in each of the model's languages.
    pub fn in_language(&self, view: &View, lang: Option<&str>) -> Diagram<'m> {
        let mut d = self.clone();
        d.localize(view, lang);
        d
    }

    /// Every text of the drawing that depends on its language: the title, the nodes'
    /// lines, the edges' labels and the words a legend may use. Two diagrams of one view
    /// in two languages with the same texts, in the same order, are drawn byte for byte
    /// the same.
    pub fn language_texts(&self) -> impl Iterator<Item = &str> + '_ {
        std::iter::once(self.title.as_str())
            .chain(
                self.nodes
                    .iter()
                    .flat_map(|n| n.lines.iter().map(String::as_str)),
            )
            .chain(self.edges.iter().map(|e| e.label.as_str()))
            .chain(style::vocabulary(self.words_lang()))
    }

    /// The language legend words use: the chosen one or the model's default.
    pub(crate) fn words_lang(&self) -> Option<&str> {
        Some(
            self.lang
                .as_deref()
                .unwrap_or(self.model.default_language()),
        )
    }
    /// Element kinds drawn, in the order of [`ElementKind::ALL`], with the task statuses
    /// drawn, for the legend.
    pub(crate) fn kinds_used(&self) -> Vec<ElementKind> {
        let mut seen: Vec<ElementKind> = self.nodes.iter().map(|n| n.element.kind()).collect();
        seen.sort_unstable();
        seen.dedup();
        seen
    }
    /// Task statuses drawn, in declaration order; `None` stands for tasks without one.
    pub(crate) fn statuses_used(&self) -> Vec<Option<ecograph_core::Status>> {
        let mut seen: Vec<Option<ecograph_core::Status>> = self
            .nodes
            .iter()
            .filter(|n| n.element.kind() == ElementKind::Task)
            .map(|n| n.element.status())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen
    }
    /// Relation kinds drawn, in declaration order.
    pub(crate) fn relations_used(&self) -> Vec<RelationKind> {
        let mut seen: Vec<RelationKind> = self.edges.iter().map(|e| e.kind).collect();
        seen.sort_unstable();
        seen.dedup();
        seen
    }
    /// Highlight marks drawn, strongest first, plus whether anything is untouched.
    pub(crate) fn marks_used(&self) -> (Vec<Mark>, bool) {
        let mut marks: Vec<Mark> = Vec::new();
        let mut untouched = false;
        for n in &self.nodes {
            match n.mark {
                Some(m) => match marks.iter_mut().find(|x| mark_key(x) == mark_key(&m)) {
                    // One legend entry per kind of mark, drawn as its strongest.
                    Some(x) => *x = Mark::stronger(Some(*x), m),
                    None => marks.push(m),
                },
                None => untouched = true,
            }
        }
        marks.sort_by_key(mark_key);
        (marks, untouched && self.highlighting)
    }
}

fn mark_key(m: &Mark) -> u8 {
    match m {
        Mark::Changed => 0,
        Mark::Added => 1,
        Mark::Removed => 2,
        Mark::Modified => 3,
        _ => 4,
    }
}

/// Which elements the view's selectors pick: a list, found through the model's
/// indexes ([`crate::index`]), so that a view costs what it selects, not the model.
pub(crate) struct Selection {
    /// The selected elements, in file order.
    selected: Vec<usize>,
    /// Positions in `selected` in preorder, made on the first collapse: `fit` and the
    /// suggestion try several collapses of one selection.
    preorder: std::cell::OnceCell<Vec<usize>>,
    excluded: Excluded,
    group_by_parent: bool,
    tree: Arc<Tree>,
}

/// The largest depth in `0..below` for which `count` is at most `max`, and its count,
/// by binary search: deeper collapse depths draw more nodes. `None` when even depth 0
/// draws too many.
fn deepest_fitting(
    below: usize,
    max: usize,
    count: impl Fn(usize) -> usize,
) -> Option<(usize, usize)> {
    let (mut lo, mut hi) = (0, below);
    let mut best = None;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let c = count(mid);
        if c <= max {
            best = Some((mid, c));
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    best
}

fn find<'m>(model: &'m Model, view: &View, id: &str) -> Result<Element<'m>, Error> {
    model.element(id).ok_or_else(|| Error::UnknownElement {
        view: view.id.clone(),
        id: id.to_owned(),
        suggestion: ecograph_core::suggest::closest(id, model.elements().map(|e| e.id().as_str()))
            .map(str::to_owned),
    })
}

/// The elements an `around` selector of `view` reaches (see [`index::around`]).
fn around(
    model: &Model,
    view: &View,
    id: &str,
    depth: usize,
    relations: &[ecograph_core::RelationKind],
) -> Result<Vec<u32>, Error> {
    let centre = find(model, view, id)?.index();
    Ok(index::around(
        model,
        &Links::of(model),
        centre,
        depth,
        relations,
    ))
}

fn depth_of(model: &Model, i: usize) -> usize {
    model.element_at(i).map_or(0, |e| e.depth())
}

/// Adds the elements an include selector picks to `out` (in no particular order).
fn pick(
    model: &Model,
    view: &View,
    tree: &Tree,
    sel: &Selector,
    out: &mut Vec<usize>,
) -> Result<(), Error> {
    let widen = |list: &[u32], out: &mut Vec<usize>| out.extend(list.iter().map(|&i| i as usize));
    match sel {
        Selector::Kind(k) => widen(Groups::of(model).of_kind(*k), out),
        Selector::Tag(t) => widen(Tags::of(model).with(t), out),
        Selector::Status(s) => widen(Groups::of(model).with_status(*s), out),
        Selector::Id(id) => out.push(find(model, view, id)?.index()),
        Selector::Subtree(id) => widen(tree.subtree(find(model, view, id)?.index()), out),
        Selector::Around {
            id,
            depth,
            relations,
        } => widen(&around(model, view, id, *depth, relations)?, out),
        // A selector kind this crate does not know yet selects nothing rather than
        // everything: a diagram that shows too little is the safer mistake.
        _ => {}
    }
    Ok(())
}

/// What the exclude selectors rule out, as tests of one element each, so that only
/// the elements a view would draw are tested (an exclusion by kind does not list every
/// element of the kind).
#[derive(Default)]
struct Excluded {
    kinds: Vec<ElementKind>,
    statuses: Vec<ecograph_core::Status>,
    tags: HashSet<String>,
    /// Excluded by id, or within reach of an excluded centre.
    listed: HashSet<usize>,
    /// Excluded subtrees as preorder intervals, the outermost only, sorted.
    subtrees: Vec<(u32, u32)>,
    /// Whether anything is excluded (set by [`Excluded::seal`]): collapse tests every
    /// collapsed element's target, most often with nothing excluded.
    any: bool,
}

impl Excluded {
    fn add(
        &mut self,
        model: &Model,
        view: &View,
        tree: &Tree,
        sel: &Selector,
    ) -> Result<(), Error> {
        match sel {
            Selector::Kind(k) => self.kinds.push(*k),
            Selector::Tag(t) => {
                self.tags.insert(t.clone());
            }
            Selector::Status(s) => self.statuses.push(*s),
            Selector::Id(id) => {
                self.listed.insert(find(model, view, id)?.index());
            }
            Selector::Subtree(id) => {
                let root = find(model, view, id)?.index();
                let s = tree.subtree(root);
                self.subtrees
                    .push((tree.pre(root), tree.pre(root) + s.len() as u32));
            }
            Selector::Around {
                id,
                depth,
                relations,
            } => {
                let reached = around(model, view, id, *depth, relations)?;
                self.listed.extend(reached.iter().map(|&i| i as usize));
            }
            _ => {}
        }
        Ok(())
    }

    /// Keeps the outermost of the subtrees (two subtrees are nested or apart).
    fn seal(&mut self) {
        self.subtrees
            .sort_unstable_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
        let mut kept: Vec<(u32, u32)> = Vec::with_capacity(self.subtrees.len());
        for &(s, e) in &self.subtrees {
            if kept.last().is_none_or(|&(_, end)| s >= end) {
                kept.push((s, e));
            }
        }
        self.subtrees = kept;
        self.any = !(self.kinds.is_empty()
            && self.statuses.is_empty()
            && self.tags.is_empty()
            && self.listed.is_empty()
            && self.subtrees.is_empty());
    }

    fn contains(&self, model: &Model, tree: &Tree, i: usize) -> bool {
        if !self.any {
            return false;
        }
        let Some(e) = model.element_at(i) else {
            return false;
        };
        if self.kinds.contains(&e.kind())
            || e.status().is_some_and(|s| self.statuses.contains(&s))
            || self.listed.contains(&i)
            || (!self.tags.is_empty() && e.tags().any(|t| self.tags.contains(t)))
        {
            return true;
        }
        let p = tree.pre(i);
        let at = self.subtrees.partition_point(|&(s, _)| s <= p);
        at.checked_sub(1)
            .and_then(|k| self.subtrees.get(k))
            .is_some_and(|&(_, end)| p < end)
    }
}

impl Selection {
    pub(crate) fn new(model: &Model, view: &View) -> Result<Selection, Error> {
        let tree = Tree::of(model);
        let mut selected: Vec<usize> = Vec::new();
        if view.include.is_empty() {
            selected.extend(0..model.element_count());
        }
        for s in &view.include {
            pick(model, view, &tree, s, &mut selected)?;
        }
        let mut excluded = Excluded::default();
        for s in &view.exclude {
            excluded.add(model, view, &tree, s)?;
        }
        excluded.seal();
        selected.sort_unstable();
        selected.dedup();
        if excluded.any {
            selected.retain(|&i| !excluded.contains(model, &tree, i));
        }
        Ok(Selection {
            selected,
            preorder: std::cell::OnceCell::new(),
            excluded,
            group_by_parent: view.group_by_parent,
            tree,
        })
    }

    /// Maps each selected element to the node that draws it.
    pub(crate) fn representatives(&self, model: &Model, collapse: &CollapseSet) -> Reps {
        let tree = &self.tree;
        if collapse.ids.is_empty() && collapse.depth.is_none() {
            return Reps {
                rep: self.selected.iter().map(|&i| (i, i)).collect(),
                drawn_count: self.selected.len(),
            };
        }
        if self.selected.len() == model.element_count() {
            return self.representatives_of_all(model, collapse);
        }
        let preorder = self.preorder.get_or_init(|| {
            let mut order: Vec<usize> = (0..self.selected.len()).collect();
            order.sort_unstable_by_key(|&k| tree.pre(self.selected[k]));
            order
        });
        // In preorder, with the collapsed elements around the current one on a stack,
        // outermost first. The elements one element draws are consecutive in preorder
        // (they are inside it), so the drawn ones are counted where the target changes.
        let mut target: Vec<Option<usize>> = vec![None; self.selected.len()];
        let mut drawn_count = 0;
        let mut last_target = None;
        let mut ids = collapse.ids.iter().copied().peekable();
        let mut open: Vec<usize> = Vec::new();
        // The last ancestor found at the collapse depth: the next element in preorder is
        // most often inside it too.
        let mut level: Option<usize> = None;
        for &k in preorder {
            let i = self.selected[k];
            let p = tree.pre(i);
            while let Some(c) = ids.next_if(|&c| tree.pre(c) < p) {
                while open.last().is_some_and(|&top| !tree.contains(top, c)) {
                    open.pop();
                }
                open.push(c);
            }
            while open.last().is_some_and(|&top| !tree.contains(top, i)) {
                open.pop();
            }
            // The outermost collapsed strict ancestor draws the element.
            let by_id = open.first().copied();
            let by_depth = collapse
                .depth
                .filter(|&d| depth_of(model, i) > d)
                .and_then(|d| {
                    if level.is_none_or(|a| !tree.contains(a, i)) {
                        level = tree.ancestor_at(i, d);
                    }
                    level
                });
            let outer = match (by_id, by_depth) {
                (Some(a), Some(b)) if depth_of(model, b) < depth_of(model, a) => Some(b),
                (a, b) => a.or(b),
            };
            let t = outer.unwrap_or(i);
            if t == i || !self.excluded.contains(model, tree, t) {
                target[k] = Some(t);
                if last_target != Some(t) {
                    drawn_count += 1;
                    last_target = Some(t);
                }
            }
        }
        let rep = self
            .selected
            .iter()
            .zip(target)
            .filter_map(|(&i, t)| Some((i, t?)))
            .collect();
        Reps { rep, drawn_count }
    }

    /// [`Selection::representatives`] when every element is selected: then each
    /// element's outermost collapsed strict ancestor follows from its parent's, parents
    /// first, without a search.
    fn representatives_of_all(&self, model: &Model, collapse: &CollapseSet) -> Reps {
        let n = model.element_count();
        let mut collapsed = vec![false; n];
        for &c in &collapse.ids {
            collapsed[c] = true;
        }
        let mut outer: Vec<Option<usize>> = vec![None; n];
        let mut target: Vec<Option<usize>> = vec![None; n];
        let mut drawn_count = 0;
        let mut last_target = None;
        for i in self.tree.preorder().iter().map(|&i| i as usize) {
            if let Some(p) = model.element_at(i).and_then(|e| e.parent()) {
                let p = p.index();
                outer[i] = outer[p].or_else(|| {
                    (collapsed[p] || collapse.depth == Some(depth_of(model, p))).then_some(p)
                });
            }
            let t = outer[i].unwrap_or(i);
            if t == i || !self.excluded.contains(model, &self.tree, t) {
                target[i] = Some(t);
                if last_target != Some(t) {
                    drawn_count += 1;
                    last_target = Some(t);
                }
            }
        }
        let rep = target
            .into_iter()
            .enumerate()
            .filter_map(|(i, t)| Some((i, t?)))
            .collect();
        Reps { rep, drawn_count }
    }
}

/// Which elements draw their contents as themselves.
pub(crate) struct CollapseSet {
    /// The collapsed elements named by id, in preorder.
    ids: Vec<usize>,
    depth: Option<usize>,
}

impl CollapseSet {
    pub(crate) fn new(model: &Model, tree: &Tree, c: &Collapse) -> CollapseSet {
        let mut ids: Vec<usize> = c
            .ids
            .iter()
            .filter_map(|id| model.element(id))
            .map(|e| e.index())
            .collect();
        ids.sort_unstable_by_key(|&i| tree.pre(i));
        ids.dedup();
        CollapseSet {
            ids,
            depth: c.depth,
        }
    }
}

pub(crate) struct Reps {
    /// Each selected element that is drawn and the element drawn in its place (itself
    /// when not collapsed), in file order.
    rep: Vec<(usize, usize)>,
    drawn_count: usize,
}

impl Reps {
    pub(crate) fn drawn_count(&self) -> usize {
        self.drawn_count
    }

    /// The drawn elements, in file order.
    fn drawn(&self) -> Vec<usize> {
        let mut drawn: Vec<usize> = self.rep.iter().map(|&(_, t)| t).collect();
        drawn.sort_unstable();
        drawn.dedup();
        drawn
    }
}

fn build<'m>(
    model: &'m Model,
    view: &View,
    options: &Options,
    sel: &Selection,
    reps: &Reps,
) -> Diagram<'m> {
    let n = model.element_count();
    let tree = &sel.tree;
    let drawn = reps.drawn();
    let mut node_of: ByElement<usize> = ByElement::new(n, drawn.len());
    let mut nodes: Vec<Node<'m>> = Vec::with_capacity(drawn.len());
    for e in drawn.iter().filter_map(|&i| model.element_at(i)) {
        node_of.insert(e.index(), nodes.len());
        nodes.push(Node {
            element: e,
            parent: None,
            children: Vec::new(),
            hidden: 0,
            mark: None,
            has_edges: false,
            lines: Vec::new(),
        });
    }
    let highlighting = !options.highlight.is_empty();
    // The node drawing each selected element.
    let mut drawn_as: ByElement<usize> = ByElement::new(n, reps.rep.len());
    for &(i, r) in &reps.rep {
        let Some(&ni) = node_of.get(r) else { continue };
        drawn_as.insert(i, ni);
        if i != r {
            nodes[ni].hidden += 1;
        }
        if highlighting
            && let Some(e) = model.element_at(i)
            && let Some(m) = options.highlight.get(e.id().as_str())
        {
            nodes[ni].mark = Some(Mark::stronger(nodes[ni].mark, m));
        }
    }
    if sel.group_by_parent {
        // The nearest drawn ancestor of each node: in preorder, the drawn elements
        // around the current one are on a stack.
        let mut order: Vec<usize> = (0..nodes.len()).collect();
        order.sort_unstable_by_key(|&k| tree.pre(nodes[k].element.index()));
        let mut open: Vec<usize> = Vec::new();
        let mut parent: Vec<Option<usize>> = vec![None; nodes.len()];
        for k in order {
            let i = nodes[k].element.index();
            while open
                .last()
                .is_some_and(|&top| !tree.contains(nodes[top].element.index(), i))
            {
                open.pop();
            }
            parent[k] = open.last().copied();
            open.push(k);
        }
        for (i, p) in parent.into_iter().enumerate() {
            nodes[i].parent = p;
            if let Some(p) = p {
                nodes[p].children.push(i);
            }
        }
    }

    // Relations: both ends selected, mapped to their drawn nodes, merged per kind and
    // pair, in file order. Each is found once, from where it starts.
    let links = Links::of(model);
    let mut found: Vec<u32> = Vec::new();
    for &(i, _) in &reps.rep {
        for &ri in links.outgoing(i) {
            if let Some(r) = model.relation_at(ri as usize)
                && view.draws_relation(r.kind())
                && drawn_as.get(r.to().index()).is_some()
            {
                found.push(ri);
            }
        }
    }
    found.sort_unstable();
    let mut edges: Vec<Edge<'m>> = Vec::new();
    let mut by_key: BTreeMap<(RelationKind, usize, usize), usize> = BTreeMap::new();
    for r in found
        .iter()
        .filter_map(|&ri| model.relation_at(ri as usize))
    {
        let (Some(&f), Some(&t)) = (drawn_as.get(r.from().index()), drawn_as.get(r.to().index()))
        else {
            continue;
        };
        if f == t {
            continue;
        }
        let key = if r.kind().is_directed() {
            (r.kind(), f, t)
        } else {
            (r.kind(), f.min(t), f.max(t))
        };
        match by_key.get(&key) {
            Some(&ei) => edges[ei].relations.push(r),
            None => {
                by_key.insert(key, edges.len());
                edges.push(Edge {
                    kind: r.kind(),
                    from: f,
                    to: t,
                    relations: vec![r],
                    label: String::new(),
                });
            }
        }
    }
    for e in &edges {
        nodes[e.from].has_edges = true;
        nodes[e.to].has_edges = true;
    }
    let mut d = Diagram {
        model,
        id: view.id.clone(),
        title: String::new(),
        direction: view.direction,
        legend: view.legend,
        lang: None,
        highlighting,
        data_ids: options.data_ids,
        routing: options.edges,
        nodes,
        edges,
    };
    d.localize(view, options.lang.as_deref());
    d
}

impl Diagram<'_> {
    /// Puts the names, labels and title in `lang`.
    fn localize(&mut self, view: &View, lang: Option<&str>) {
        for e in &mut self.edges {
            e.label = edge_label(&e.relations, lang);
        }
        for n in &mut self.nodes {
            let name = n.element.name().resolve(lang);
            let wrap = if n.children.is_empty() {
                metrics::NODE_WRAP
            } else {
                metrics::CLUSTER_WRAP
            };
            let font = if n.children.is_empty() {
                metrics::NODE_FONT
            } else {
                metrics::CLUSTER_FONT
            };
            n.lines = wrap_label(name, wrap, font);
            if n.hidden > 0 {
                n.lines.push(format!("(+{})", n.hidden));
            }
        }
        self.title = view
            .title
            .as_ref()
            .map_or_else(|| view.id.clone(), |t| t.resolve(lang).to_owned());
        self.lang = lang.map(str::to_owned);
    }
}

/// Breaks a label into lines of at most `max` px, between words or after a hyphen or
/// slash inside a long word. A single word up to twice `max` widens the line rather
/// than being cut (long compound words are common in Finnish); only longer ones are
/// cut between characters.
pub(crate) fn wrap_label(s: &str, max: f64, font: f64) -> Vec<String> {
    use crate::text::text_width;
    let space = text_width(" ", font);
    let mut lines = Vec::new();
    for paragraph in s.split('\n') {
        let longest = paragraph
            .split_whitespace()
            .map(|w| text_width(w, font))
            .fold(0.0, f64::max);
        let max = max.max(longest.min(2.0 * max));
        let mut line = String::new();
        let mut width = 0.0;
        for word in paragraph.split_whitespace() {
            // Pieces of a word: break opportunities after `-` and `/`.
            let mut pieces: Vec<&str> = Vec::new();
            let mut start = 0;
            for (i, c) in word.char_indices() {
                if (c == '-' || c == '/') && i + 1 < word.len() {
                    pieces.push(&word[start..=i]);
                    start = i + 1;
                }
            }
            pieces.push(&word[start..]);
            for (k, piece) in pieces.iter().enumerate() {
                let w = text_width(piece, font);
                let gap = if k == 0 && !line.is_empty() {
                    space
                } else {
                    0.0
                };
                if !line.is_empty() && width + gap + w > max {
                    lines.push(std::mem::take(&mut line));
                    width = 0.0;
                } else if gap > 0.0 {
                    line.push(' ');
                    width += gap;
                }
                if w > max {
                    let mut cut = crate::text::wrap(piece, max, font);
                    let last = cut.pop().unwrap_or_default();
                    lines.extend(cut);
                    width = text_width(&last, font);
                    line = last;
                } else {
                    line.push_str(piece);
                    width += w;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Which lone nodes and independent boxes [`invisible_edges`] stacks in grids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stacking {
    /// All of them (for Graphviz, which packs nothing).
    Grid,
    /// Those the embedded layout cannot pack as parts: all but the ones in a
    /// sealed container (one that no relation enters or leaves, nor any
    /// container around it), which it lays out on their own and packs.
    Sealed,
    /// None: the embedded layout packs those that no relation reaches, and
    /// lays out the others (below a header) in a row. A header is not tied
    /// to the nodes no relation reaches either, so that they stay free for
    /// packing: the packed block then stands beside the header, in its rank,
    /// where the header's edges would have put every such node on the rank
    /// below it (a box as long as all of them side by side).
    Packed,
    /// As [`Stacking::Packed`], but boxes with a relation that leaves their
    /// container stand in a row instead of a grid (stacked, the upper boxes'
    /// lines out of the container pass the lower boxes, which then have to
    /// stand aside: a staircase as wide as the row and as tall as the
    /// grid).
    Rows,
}

/// Edges the layout needs but nobody sees, as pairs of node indices: a container that
/// has relations of its own is drawn as a header node above its contents (but for
/// the contents without relations when `stacking` is [`Stacking::Packed`]), and nodes
/// without any relation are stacked in a grid instead of one long row, as `stacking`
/// says.
pub(crate) fn invisible_edges(d: &Diagram<'_>, stacking: Stacking) -> Vec<(usize, usize)> {
    let nodes = d.nodes();
    let mut out = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.is_container() && n.has_edges() {
            let mut stack: Vec<usize> = n.children().to_vec();
            while let Some(j) = stack.pop() {
                let c = &nodes[j];
                let free = stacking == Stacking::Packed && !c.has_edges();
                if (!c.is_container() && !free) || (c.is_container() && c.has_edges()) {
                    out.push((i, j));
                }
                stack.extend_from_slice(c.children());
            }
        }
    }
    // A node whose subtree some relation enters or leaves, and one whose
    // subtree has a relation that also leaves the node's container. Also the
    // pairs of siblings with a relation between their contents at any
    // depth: the outermost nodes around its ends below their common
    // container. No stacking puts one such box above the other: the
    // relation could point the other way, and with it a box's lines.
    // (Sibling boxes whose own nodes are related are left out of the grid
    // altogether, below.)
    let mut crossing = vec![false; nodes.len()];
    let mut leaves_container = vec![false; nodes.len()];
    let mut related: BTreeSet<(usize, usize)> = BTreeSet::new();
    let below = |path: &[usize], other: &[usize]| {
        path.iter()
            .take_while(|a| !other.contains(a))
            .last()
            .copied()
    };
    for e in d.edges() {
        let (from, to) = (ancestry(nodes, e.from()), ancestry(nodes, e.to()));
        for (here, there) in [(&from, &to), (&to, &from)] {
            for &a in here.iter().filter(|a| !there.contains(a)) {
                crossing[a] = true;
                if nodes[a].parent().is_some_and(|p| !there.contains(&p)) {
                    leaves_container[a] = true;
                }
            }
        }
        if let (Some(a), Some(b)) = (below(&from, &to), below(&to, &from)) {
            related.insert((a.min(b), a.max(b)));
        }
    }
    let packs = |parent: Option<usize>| match stacking {
        Stacking::Grid => false,
        Stacking::Sealed => ancestry_of(nodes, parent).iter().all(|&a| !crossing[a]),
        Stacking::Packed | Stacking::Rows => true,
    };
    // Lone nodes, per container, in columns (rows when left to right) of about √n.
    let mut lone: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if !n.is_container() && !n.has_edges() {
            lone.entry(n.parent()).or_default().push(i);
        }
    }
    for (parent, group) in &lone {
        if group.len() < 4 || packs(*parent) {
            continue;
        }
        let len = (group.len() as f64).sqrt().ceil() as usize;
        for chain in group.chunks(len) {
            for w in chain.windows(2) {
                out.push((w[0], w[1]));
            }
        }
    }
    // Sibling boxes with no relation between their contents, likewise: a row of boxes
    // becomes a grid. Every node of one box points at every node of the next.
    let mut boxes: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.is_container() {
            boxes.entry(n.parent()).or_default().push(i);
        }
    }
    let mut box_of: Vec<Option<usize>> = vec![None; nodes.len()];
    for group in boxes.values() {
        for &b in group {
            for j in subtree(nodes, b) {
                box_of[j] = Some(b);
            }
        }
    }
    let mut linked = vec![false; nodes.len()];
    for e in d.edges() {
        if let (Some(a), Some(b)) = (box_of[e.from()], box_of[e.to()])
            && a != b
            && nodes[a].parent() == nodes[b].parent()
        {
            linked[a] = true;
            linked[b] = true;
        }
    }
    let rough = rough_sizes(d);
    let lr = d.direction() == LayoutDirection::LeftToRight;
    for (parent, group) in &boxes {
        // A box no relation enters or leaves is laid out on its own and packed by
        // the embedded layout.
        let group: Vec<usize> = group
            .iter()
            .copied()
            .filter(|&b| {
                !(linked[b]
                    || (packs(*parent) && !crossing[b])
                    || (stacking == Stacking::Rows && leaves_container[b]))
            })
            .collect();
        if group.len() < 3 {
            continue;
        }
        let len = grid_chain_length(&group, &rough, lr);
        for chain in group.chunks(len) {
            for w in chain.windows(2) {
                if related.contains(&(w[0].min(w[1]), w[0].max(w[1]))) {
                    continue;
                }
                let (above, below) = (subtree(nodes, w[0]), subtree(nodes, w[1]));
                for &a in above.iter().filter(|&&a| !nodes[a].is_container()) {
                    for &b in below.iter().filter(|&&b| !nodes[b].is_container()) {
                        out.push((a, b));
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Drawn aspect (width ÷ height) the grid of independent boxes aims at.
const BOX_GRID_ASPECT: f64 = 1.5;

/// Rough size of every node in the layout's frame, `(across, along)` the
/// ranks, in units of about 110 px: a leaf with the gaps around it is
/// 1.4 × 0.9 (0.9 × 1.4 left to right); a box holds its lone leaves in the
/// chains of about √n the lone nodes get, its linked leaves beside them, its
/// boxes stacked, and a header. Only for choosing the shape of the box
/// grid, so it ignores text and edges.
fn rough_sizes(d: &Diagram<'_>) -> Vec<(f64, f64)> {
    let nodes = d.nodes();
    let lr = d.direction() == LayoutDirection::LeftToRight;
    let leaf = if lr { (0.9, 1.4) } else { (1.4, 0.9) };
    let mut size = vec![leaf; nodes.len()];
    // Children before parents without recursion: reverse breadth-first order.
    let mut order: Vec<usize> = (0..nodes.len())
        .filter(|&i| nodes[i].parent().is_none())
        .collect();
    let mut k = 0;
    while k < order.len() {
        order.extend_from_slice(nodes[order[k]].children());
        k += 1;
    }
    for &i in order.iter().rev() {
        let n = &nodes[i];
        if !n.is_container() {
            continue;
        }
        let leaf_of = |c: &&usize| !nodes[**c].is_container();
        let lone = n
            .children()
            .iter()
            .filter(leaf_of)
            .filter(|&&c| !nodes[c].has_edges())
            .count();
        let linked = n.children().iter().filter(leaf_of).count() - lone;
        // Lone leaves in chains of about √n (a row when fewer than four),
        // linked ones beside them.
        let rows = if lone < 4 {
            usize::from(lone > 0)
        } else {
            (lone as f64).sqrt().ceil() as usize
        };
        let cols = lone.div_ceil(rows.max(1));
        let rows = rows.max(usize::from(linked > 0));
        let (mut across, mut along) = ((cols + linked) as f64 * leaf.0, rows as f64 * leaf.1);
        for &c in n.children() {
            if nodes[c].is_container() {
                across = across.max(size[c].0);
                along += size[c].1;
            }
        }
        size[i] = (across + 0.2, along + 0.4);
    }
    size
}

/// Most chains [`grid_chain_length`] tries, so its work stays linear.
const MAX_GRID_CHAINS: usize = 64;

/// How many boxes of `group` go in one chain (one column top to bottom,
/// one row left to right): the grid of at most 64 chains whose rough size
/// comes closest to [`BOX_GRID_ASPECT`], the fewer chains on a tie.
fn grid_chain_length(group: &[usize], rough: &[(f64, f64)], lr: bool) -> usize {
    // The frame's across ÷ along is width ÷ height top to bottom, its
    // inverse left to right.
    let target = if lr { -1.0 } else { 1.0 } * BOX_GRID_ASPECT.ln();
    let mut best = (f64::INFINITY, group.len());
    for chains in 1..=group.len().min(MAX_GRID_CHAINS) {
        let len = group.len().div_ceil(chains);
        let (mut across, mut along) = (0.0f64, 0.0f64);
        for chain in group.chunks(len) {
            across += chain.iter().map(|&b| rough[b].0).fold(0.0, f64::max);
            along = along.max(chain.iter().map(|&b| rough[b].1).sum());
        }
        let miss = ((across / along.max(1e-9)).ln() - target).abs();
        if miss < best.0 - 1e-9 {
            best = (miss, len);
        }
    }
    best.1
}

/// A node and the containers around it, innermost first.
fn ancestry(nodes: &[Node<'_>], i: usize) -> Vec<usize> {
    let mut all = vec![i];
    all.extend(ancestry_of(nodes, nodes[i].parent()));
    all
}

/// The container `parent`, if any, and the containers around it.
fn ancestry_of(nodes: &[Node<'_>], parent: Option<usize>) -> Vec<usize> {
    let mut all = Vec::new();
    let mut at = parent;
    while let Some(p) = at {
        all.push(p);
        at = nodes[p].parent();
    }
    all
}

/// A node and everything drawn inside it.
fn subtree(nodes: &[Node<'_>], i: usize) -> Vec<usize> {
    let mut all = vec![i];
    let mut k = 0;
    while k < all.len() {
        all.extend_from_slice(&nodes[all[k]].children);
        k += 1;
    }
    all
}

/// The label of one relation: its own label, a flow's carried data, a dependency's lag.
fn relation_label(r: &Relation<'_>, lang: Option<&str>) -> String {
    if r.kind() == RelationKind::Flow && r.data_carried().len() > 0 {
        let names: Vec<&str> = r.data_carried().map(|d| d.name().resolve(lang)).collect();
        return names.join(", ");
    }
    if let Some(l) = r.label() {
        return l.resolve(lang).to_owned();
    }
    if let Some(lag) = r.lag() {
        return format!("+{lag}");
    }
    String::new()
}

fn edge_label(rels: &[Relation<'_>], lang: Option<&str>) -> String {
    let labels: Vec<String> = rels.iter().map(|r| relation_label(r, lang)).collect();
    match labels.as_slice() {
        [one] => one.clone(),
        [first, rest @ ..] if !first.is_empty() && rest.iter().all(|l| l == first) => {
            format!("{first} ×{}", labels.len())
        }
        _ => format!("×{}", labels.len()),
    }
}

/// A way to bring an oversized view under the limit, computed by trying collapses.
fn suggest(model: &Model, sel: &Selection, view: &View, max: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    let tree = &sel.tree;
    let deepest = sel
        .selected
        .iter()
        .map(|&i| depth_of(model, i))
        .max()
        .unwrap_or(0);
    let start = view.collapse.depth.unwrap_or(deepest).min(deepest);
    let by_depth = deepest_fitting(start, max, |d| {
        let c = Collapse {
            ids: view.collapse.ids.clone(),
            depth: Some(d),
        };
        sel.representatives(model, &CollapseSet::new(model, tree, &c))
            .drawn_count()
    });
    if let Some((d, count)) = by_depth {
        parts.push(format!("collapse depth {d} would draw {count} nodes"));
    }
    // The biggest containers first: collapse them one by one until the view fits.
    let reps = sel.representatives(model, &CollapseSet::new(model, tree, &view.collapse));
    let drawn = &reps.drawn();
    // The drawn elements in preorder, each with its nearest drawn ancestor.
    let mut order: Vec<usize> = (0..drawn.len()).collect();
    order.sort_unstable_by_key(|&k| tree.pre(drawn[k]));
    let mut up: Vec<Option<usize>> = vec![None; drawn.len()];
    let mut open: Vec<usize> = Vec::new();
    for &k in &order {
        while open
            .last()
            .is_some_and(|&top| !tree.contains(drawn[top], drawn[k]))
        {
            open.pop();
        }
        up[k] = open.last().copied();
        open.push(k);
    }
    // Per drawn element, children first: how many drawn elements it contains, whether
    // one of its direct children is drawn, and whether a drawn element inside it has a
    // drawn direct child.
    let mut below = vec![0usize; drawn.len()];
    let mut has_drawn_child = vec![false; drawn.len()];
    for (k, &u) in up.iter().enumerate() {
        if let Some(u) = u
            && model
                .element_at(drawn[k])
                .and_then(|e| e.parent())
                .map(|p| p.index())
                == Some(drawn[u])
        {
            has_drawn_child[u] = true;
        }
    }
    let mut inner = vec![false; drawn.len()];
    for &k in order.iter().rev() {
        if let Some(u) = up[k] {
            below[u] += below[k] + 1;
            inner[u] |= inner[k] || has_drawn_child[k];
        }
    }
    // Innermost containers first (collapsing them loses the least), biggest first.
    let mut inside: Vec<(bool, std::cmp::Reverse<usize>, usize)> = (0..drawn.len())
        .filter(|&k| below[k] > 0)
        .map(|k| (inner[k], std::cmp::Reverse(below[k]), drawn[k]))
        .collect();
    inside.sort_unstable();
    let mut ids = view.collapse.ids.clone();
    let mut named: Vec<usize> = Vec::new();
    for &(_, _, ix) in inside.iter().take(6) {
        let Some(e) = model.element_at(ix) else {
            continue;
        };
        // A container inside one already collapsed adds nothing.
        if named.iter().any(|&n| n != ix && tree.contains(n, ix)) {
            continue;
        }
        // Collapsing an outer container makes the inner ones already named redundant.
        named.retain(|&n| n == ix || !tree.contains(ix, n));
        ids.push(e.id().to_string());
        named.push(ix);
        let c = Collapse {
            ids: ids.clone(),
            depth: view.collapse.depth,
        };
        let count = sel
            .representatives(model, &CollapseSet::new(model, tree, &c))
            .drawn_count();
        if count <= max {
            let list: Vec<String> = named
                .iter()
                .filter_map(|&n| model.element_at(n))
                .map(|n| format!("`{}`", n.id()))
                .collect();
            parts.push(format!(
                "collapsing {} would draw {count} nodes",
                list.join(", ")
            ));
            break;
        }
    }
    if parts.is_empty() {
        let mut by_kind: BTreeMap<ElementKind, usize> = BTreeMap::new();
        for e in drawn.iter().filter_map(|&i| model.element_at(i)) {
            *by_kind.entry(e.kind()).or_default() += 1;
        }
        let list: Vec<String> = by_kind.iter().map(|(k, n)| format!("{n} `{k}`")).collect();
        parts.push(format!(
            "split it into several views (it draws {}) or raise the node limit",
            list.join(", ")
        ));
    }
    parts.join("; ")
}

/// The views a model renders: its own, or, when it defines none, a default overview
/// plus one view per top-level group (see [`default_views`]).
pub fn views_of(model: &Model, max_nodes: usize) -> Vec<View> {
    if model.views().is_empty() {
        default_views(model, max_nodes)
    } else {
        model.views().to_vec()
    }
}

/// The views of a model that defines none: an `overview` of everything, then one view
/// per top-level group, named after the group's id. The top-level groups are the root
/// elements of kind `group` that contain something, or, when there are none, every
/// root that contains something. Each view collapses as deep as it must to stay within
/// `max_nodes` nodes.
pub fn default_views(model: &Model, max_nodes: usize) -> Vec<View> {
    let mut views = Vec::new();
    let mut overview = View::new("overview");
    overview.title = Some(localized(model, |w| w.overview));
    fit(model, &mut overview, max_nodes);
    views.push(overview);

    let with_children: Vec<Element<'_>> =
        model.roots().filter(|r| r.children().len() > 0).collect();
    let groups: Vec<Element<'_>> = if with_children.iter().any(|r| r.kind() == ElementKind::Group) {
        with_children
            .into_iter()
            .filter(|r| r.kind() == ElementKind::Group)
            .collect()
    } else {
        with_children
    };
    for g in groups {
        let id = if g.id().as_str() == "overview" {
            "overview.group".to_owned()
        } else {
            g.id().to_string()
        };
        let mut v = View::new(id);
        v.title = Some(g.name().clone());
        v.include = vec![Selector::Subtree(g.id().to_string())];
        fit(model, &mut v, max_nodes);
        views.push(v);
    }
    views
}

/// The model's view with this id, or one of the default views (collapsed to fit
/// `options.max_nodes`); the error names the closest id.
///
/// # Errors
///
/// [`Error::UnknownView`] when there is no such view.
pub fn find_view(model: &Model, id: &str, options: &Options) -> Result<View, Error> {
    if let Some(v) = model.view(id) {
        return Ok(v.clone());
    }
    let max_nodes = options.max_nodes;
    let all = views_of(model, max_nodes);
    let defaults = if model.views().is_empty() {
        Vec::new()
    } else {
        default_views(model, max_nodes)
    };
    if let Some(v) = all.iter().chain(&defaults).find(|v| v.id == id) {
        return Ok(v.clone());
    }
    let available: Vec<String> = all.iter().map(|v| v.id.clone()).collect();
    Err(Error::UnknownView {
        id: id.to_owned(),
        suggestion: ecograph_core::suggest::closest(id, available.iter().map(String::as_str))
            .map(str::to_owned),
        available,
    })
}

/// A title in each of the model's languages that the legend words know.
fn localized(model: &Model, pick: impl Fn(&style::Words) -> &'static str) -> Text {
    let langs = model.languages();
    if langs.is_empty() {
        return Text::plain(pick(&style::words(None)));
    }
    Text::translated(
        langs
            .iter()
            .map(|l| (l.clone(), pick(&style::words(Some(l))).to_owned())),
    )
}

/// Collapses `view` as little as possible so that it draws at most `max` nodes.
fn fit(model: &Model, view: &mut View, max: usize) {
    let Ok(sel) = Selection::new(model, view) else {
        return;
    };
    let count = |depth: Option<usize>| {
        let c = Collapse {
            ids: view.collapse.ids.clone(),
            depth,
        };
        sel.representatives(model, &CollapseSet::new(model, &sel.tree, &c))
            .drawn_count()
    };
    if count(None) <= max {
        return;
    }
    let deepest = sel.tree.deepest();
    let chosen = deepest_fitting(deepest, max, |d| count(Some(d))).map_or(0, |(d, _)| d);
    view.collapse.depth = Some(chosen);
}

#[cfg(test)]
mod tests {
    use super::{Diagram, Options, Stacking, ancestry, grid_chain_length, invisible_edges};

    /// The stacking edges of TE24's tj-packages view, each end as the ids of
    /// its containers and itself, outermost first.
    fn tj_stacking(stacking: Stacking) -> Vec<(Vec<String>, Vec<String>)> {
        let model = crate::te24();
        let view = model.view("tj-packages").expect("te24 has tj-packages");
        let d = Diagram::new(&model, view, &Options::default()).expect("resolves");
        let ids = |i: usize| -> Vec<String> {
            let mut all: Vec<String> = ancestry(d.nodes(), i)
                .into_iter()
                .map(|a| d.nodes()[a].element().id().to_string())
                .collect();
            all.reverse();
            all
        };
        invisible_edges(&d, stacking)
            .into_iter()
            .map(|(a, b)| (ids(a), ids(b)))
            .collect()
    }

    #[test]
    fn rows_stand_boxes_whose_relations_leave_their_container_side_by_side() {
        // tj's four task boxes are linked only with things outside tj, and
        // the national data box (grp.yleiset) only with tj.D's tasks.
        type Ends = (Vec<String>, Vec<String>);
        let inside =
            |path: &[String], boxed: &str| path[..path.len() - 1].iter().any(|a| a == boxed);
        let between = |edges: &[Ends], a: &str, b: &str| {
            edges
                .iter()
                .filter(|(x, y)| (inside(x, a) && inside(y, b)) || (inside(x, b) && inside(y, a)))
                .count()
        };
        let packed = tj_stacking(Stacking::Packed);
        let rows = tj_stacking(Stacking::Rows);
        let tj = ["tj.A", "tj.B", "tj.C", "tj.D"];
        let stacked = |edges: &[Ends]| -> usize {
            let mut n = 0;
            for (i, a) in tj.iter().enumerate() {
                for b in &tj[i + 1..] {
                    n += between(edges, a, b);
                }
            }
            n
        };
        assert!(stacked(&packed) > 0, "the grid stacks tj's boxes");
        assert_eq!(stacked(&rows), 0, "{rows:?}");
        // Neither stacks tj below grp.yleiset: tj.D's tasks' relations into
        // it would point up (three did in Finnish, where the packed
        // stacking's drawing was kept).
        assert_eq!(between(&packed, "grp.yleiset", "tj"), 0, "{packed:?}");
        assert_eq!(between(&rows, "grp.yleiset", "tj"), 0, "{rows:?}");
        // The grid of the boxes that are not related stays, and so do the
        // headers' edges to their contents.
        assert!(between(&rows, "grp.valtio", "grp.kunta") > 0, "{rows:?}");
        assert!(
            rows.iter()
                .any(|(x, y)| x.last().is_some_and(|a| a == "tj.A") && inside(y, "tj.A"))
        );
    }

    #[test]
    fn wide_boxes_stack_in_one_column_and_square_ones_form_a_grid() {
        let group = [0, 1, 2];
        // Three boxes five times as wide as tall: one column is 5 × 3.
        let wide = [(5.0, 1.0); 3];
        assert_eq!(grid_chain_length(&group, &wide, false), 3);
        // Left to right chains are rows and the frame is (height, width):
        // drawn wide boxes are (1, 5) and stack as three one-box rows.
        let wide_lr = [(1.0, 5.0); 3];
        assert_eq!(grid_chain_length(&group, &wide_lr, true), 1);
        // Nine square boxes: chains of three make a 3 × 3 grid.
        let square = [(1.0, 1.0); 9];
        let nine: Vec<usize> = (0..9).collect();
        assert_eq!(grid_chain_length(&nine, &square, false), 3);
    }
}
