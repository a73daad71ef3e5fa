//! The one style table every backend draws from: shapes and colours per element kind,
//! colours per task status, line styles per relation kind, highlight colours, and the
//! legend's words in the supported languages.
//!
//! DOT, Mermaid and SVG each translate these values into their own syntax; none of them
//! picks a colour or a shape of its own.

use crate::highlight::Mark;
use crate::layout::EdgeRouting;
use ecograph_core::Confidence;
use ecograph_core::{ElementKind, RelationKind, Status};

/// The outline of an element's box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Shape {
    /// A rectangle.
    Rect,
    /// A rectangle with rounded corners.
    Rounded,
    /// A rectangle with fully rounded ends.
    Stadium,
    /// A cylinder (a data store).
    Cylinder,
    /// A hexagon.
    Hexagon,
    /// A parallelogram leaning right.
    Parallelogram,
    /// A trapezoid, wider at the bottom.
    Trapezoid,
    /// A sheet with a folded corner (a document).
    Note,
}

impl Shape {
    /// The Graphviz `shape` attribute and whether it needs `style=rounded`.
    pub(crate) fn dot(self) -> (&'static str, bool) {
        match self {
            Shape::Rect => ("box", false),
            Shape::Rounded => ("box", true),
            // Graphviz has no stadium; an ellipse keeps the round ends.
            Shape::Stadium => ("ellipse", false),
            Shape::Cylinder => ("cylinder", false),
            Shape::Hexagon => ("hexagon", false),
            Shape::Parallelogram => ("parallelogram", false),
            Shape::Trapezoid => ("trapezium", false),
            Shape::Note => ("note", false),
        }
    }

    /// Mermaid's opening and closing brackets around a quoted label.
    pub(crate) fn mermaid(self) -> (&'static str, &'static str) {
        match self {
            Shape::Rect => ("[", "]"),
            Shape::Rounded => ("(", ")"),
            Shape::Stadium => ("([", "])"),
            Shape::Cylinder => ("[(", ")]"),
            Shape::Hexagon => ("{{", "}}"),
            Shape::Parallelogram => ("[/", "/]"),
            Shape::Trapezoid => ("[/", "\\]"),
            // Mermaid's flowchart has no document shape; the flag is the closest.
            Shape::Note => (">", "]"),
        }
    }

    /// Extra width the outline needs beside the text, as a fraction of the box height.
    pub(crate) fn extra_width(self) -> f64 {
        match self {
            Shape::Rect | Shape::Rounded | Shape::Note => 0.0,
            Shape::Stadium | Shape::Hexagon => 0.6,
            Shape::Parallelogram | Shape::Trapezoid => 0.7,
            Shape::Cylinder => 0.0,
        }
    }

    /// Extra height the outline needs above and below the text.
    pub(crate) fn extra_height(self) -> f64 {
        match self {
            Shape::Cylinder => 12.0,
            Shape::Note => 4.0,
            _ => 0.0,
        }
    }
}

/// How an element is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeStyle {
    /// The outline.
    pub shape: Shape,
    /// Fill colour, `#rrggbb`.
    pub fill: &'static str,
    /// Border colour, `#rrggbb`.
    pub stroke: &'static str,
    /// Whether the border is dashed.
    pub dashed: bool,
}

/// How SVG edges are routed unless `--edges` says otherwise: chosen by the
/// `layout_vs_peers` benchmark (see docs/render.md).
pub const EDGE_ROUTING: EdgeRouting = EdgeRouting::Polyline;

/// Background of the boxes drawn around contained elements; the border takes the
/// container's own stroke colour.
pub(crate) const CLUSTER_FILL: &str = "#fbfbfb";
/// Text colour.
pub(crate) const INK: &str = "#1a1a1a";
/// Colour of secondary text (counts, edge labels).
pub(crate) const MUTED: &str = "#555555";

/// How an element of `kind` (with `status`, for tasks) is drawn.
pub fn node_style(kind: ElementKind, status: Option<Status>) -> NodeStyle {
    let (shape, fill, stroke, dashed) = match kind {
        ElementKind::Actor => (Shape::Stadium, "#fff2cc", "#b7950b", false),
        ElementKind::Role => (Shape::Trapezoid, "#fde3d0", "#c55a11", false),
        ElementKind::Group => (Shape::Rect, "#f2f2f2", "#8c8c8c", true),
        ElementKind::System => (Shape::Rect, "#dae8fc", "#4a72b0", false),
        ElementKind::Data => (Shape::Cylinder, "#e8ddf0", "#8a64a6", false),
        ElementKind::Service => (Shape::Hexagon, "#d5ecd4", "#5b9b46", false),
        ElementKind::Process => (Shape::Parallelogram, "#d2f0ee", "#2e8b87", false),
        ElementKind::Task => {
            let (fill, stroke, dashed) = task_colours(status);
            (Shape::Rounded, fill, stroke, dashed)
        }
        ElementKind::Deliverable => (Shape::Note, "#fbf6e4", "#8c7b4e", false),
        _ => (Shape::Rect, "#ffffff", "#666666", false),
    };
    NodeStyle {
        shape,
        fill,
        stroke,
        dashed,
    }
}

fn task_colours(status: Option<Status>) -> (&'static str, &'static str, bool) {
    match status {
        Some(Status::NotStarted) => ("#eeeeee", "#7f7f7f", false),
        Some(Status::InProgress) => ("#cfe2ff", "#2f6fd6", false),
        Some(Status::Done) => ("#d4edda", "#3c8d40", false),
        Some(Status::Blocked) => ("#f8d0ce", "#c0392b", false),
        Some(Status::Cancelled) => ("#f7f7f7", "#a6a6a6", true),
        _ => ("#ffffff", "#6b6b6b", false),
    }
}

/// The stroke pattern of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Line {
    /// A continuous line.
    Solid,
    /// Long dashes.
    Dashed,
    /// Dots.
    Dotted,
}

impl Line {
    /// The SVG `stroke-dasharray`, if any.
    pub(crate) fn dasharray(self) -> Option<&'static str> {
        match self {
            Line::Solid => None,
            Line::Dashed => Some("6 4"),
            Line::Dotted => Some("2 3"),
        }
    }
    /// The Graphviz `style` value.
    pub(crate) fn dot(self) -> &'static str {
        match self {
            Line::Solid => "solid",
            Line::Dashed => "dashed",
            Line::Dotted => "dotted",
        }
    }
}

/// The tip drawn where a relation ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Arrow {
    /// A filled triangle.
    Filled,
    /// A hollow triangle.
    Hollow,
    /// An open "V".
    Open,
    /// No tip: the relation has no direction.
    None,
}

impl Arrow {
    /// The Graphviz `arrowhead` value.
    pub(crate) fn dot(self) -> &'static str {
        match self {
            Arrow::Filled => "normal",
            Arrow::Hollow => "empty",
            Arrow::Open => "vee",
            Arrow::None => "none",
        }
    }
}

/// How a relation is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeStyle {
    /// Stroke pattern.
    pub line: Line,
    /// Colour, `#rrggbb`.
    pub color: &'static str,
    /// Stroke width in px.
    pub width: f64,
    /// Tip at the `to` end.
    pub arrow: Arrow,
}

/// How a relation of `kind` is drawn. Flows are solid and carry their data as the label,
/// `depends_on` is dashed, `linked` is dotted and undirected.
pub fn edge_style(kind: RelationKind) -> EdgeStyle {
    let (line, color, width, arrow) = match kind {
        RelationKind::Flow => (Line::Solid, "#1f4e79", 1.6, Arrow::Filled),
        RelationKind::Uses => (Line::Solid, "#6b6b6b", 1.0, Arrow::Open),
        RelationKind::DependsOn => (Line::Dashed, "#b03a2e", 1.3, Arrow::Filled),
        RelationKind::Linked => (Line::Dotted, "#7f7f7f", 1.3, Arrow::None),
        RelationKind::Responsible => (Line::Solid, "#9a7d0a", 1.3, Arrow::Hollow),
        RelationKind::Participates => (Line::Dashed, "#9a7d0a", 1.0, Arrow::Open),
        RelationKind::Provides => (Line::Solid, "#3c8d40", 1.3, Arrow::Hollow),
        RelationKind::Plays => (Line::Dashed, "#c55a11", 1.0, Arrow::Hollow),
        RelationKind::Produces => (Line::Solid, "#8a64a6", 1.3, Arrow::Filled),
        RelationKind::Concerns => (Line::Dotted, "#8a64a6", 1.0, Arrow::Open),
        _ => (Line::Solid, "#555555", 1.0, Arrow::Filled),
    };
    EdgeStyle {
        line,
        color,
        width,
        arrow,
    }
}

/// How a highlight mark changes an element's look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MarkStyle {
    pub stroke: &'static str,
    pub width: f64,
    pub dashed: bool,
}

/// Fill and text colour of elements a highlight leaves untouched: they recede.
pub(crate) const UNTOUCHED_FILL: &str = "#f7f7f7";
pub(crate) const UNTOUCHED_STROKE: &str = "#c8c8c8";
pub(crate) const UNTOUCHED_INK: &str = "#9a9a9a";

pub(crate) fn mark_style(mark: &Mark) -> MarkStyle {
    match mark {
        Mark::Changed => MarkStyle {
            stroke: "#d62728",
            width: 3.5,
            dashed: false,
        },
        Mark::Added => MarkStyle {
            stroke: "#2ca02c",
            width: 3.5,
            dashed: false,
        },
        Mark::Removed => MarkStyle {
            stroke: "#d62728",
            width: 3.5,
            dashed: true,
        },
        Mark::Modified => MarkStyle {
            stroke: "#ff7f0e",
            width: 3.5,
            dashed: false,
        },
        // 3 px solid when certain, 2.1 px dashed when potential.
        Mark::Affected {
            confidence: Confidence::Certain,
        } => MarkStyle {
            stroke: "#ff7f0e",
            width: 3.0,
            dashed: false,
        },
        Mark::Affected {
            confidence: Confidence::Potential,
        } => MarkStyle {
            stroke: "#ff7f0e",
            width: 2.1,
            dashed: true,
        },
    }
}

/// Words of the legend, in the languages ecograph knows; English otherwise.
pub(crate) struct Words {
    pub legend: &'static str,
    pub overview: &'static str,
    pub changed: &'static str,
    pub added: &'static str,
    pub removed: &'static str,
    pub modified: &'static str,
    pub affected: &'static str,
    pub untouched: &'static str,
}

pub(crate) fn words(lang: Option<&str>) -> Words {
    match lang {
        Some("fi") => Words {
            legend: "Selite",
            overview: "Yleiskuva",
            changed: "muutettu",
            added: "lisätty",
            removed: "poistettu",
            modified: "muokattu",
            affected: "vaikutus",
            untouched: "ei vaikutusta",
        },
        Some("sv") => Words {
            legend: "Teckenförklaring",
            overview: "Översikt",
            changed: "ändrad",
            added: "tillagd",
            removed: "borttagen",
            modified: "modifierad",
            affected: "påverkad",
            untouched: "opåverkad",
        },
        _ => Words {
            legend: "Legend",
            overview: "Overview",
            changed: "changed",
            added: "added",
            removed: "removed",
            modified: "modified",
            affected: "affected",
            untouched: "untouched",
        },
    }
}

/// Every word a legend in `lang` may use, in a fixed order.
pub(crate) fn vocabulary(lang: Option<&str>) -> Vec<&'static str> {
    // Destructured, so that a new word cannot be left out.
    let Words {
        legend,
        overview,
        changed,
        added,
        removed,
        modified,
        affected,
        untouched,
    } = words(lang);
    [
        legend, overview, changed, added, removed, modified, affected, untouched,
    ]
    .into_iter()
    .chain(ElementKind::ALL.iter().map(|&k| kind_name(k, lang)))
    .chain(Status::ALL.iter().map(|&s| status_name(s, lang)))
    .chain(RelationKind::ALL.iter().map(|&k| relation_name(k, lang)))
    .collect()
}

/// The name of an element kind in the legend.
pub(crate) fn kind_name(kind: ElementKind, lang: Option<&str>) -> &'static str {
    use ElementKind as K;
    match lang {
        Some("fi") => match kind {
            K::Actor => "toimija",
            K::Role => "rooli",
            K::Group => "ryhmä",
            K::System => "järjestelmä",
            K::Data => "tieto",
            K::Service => "palvelu",
            K::Process => "prosessi",
            K::Task => "tehtävä",
            K::Deliverable => "tuotos",
            _ => kind.as_str(),
        },
        Some("sv") => match kind {
            K::Actor => "aktör",
            K::Role => "roll",
            K::Group => "grupp",
            K::System => "system",
            K::Data => "data",
            K::Service => "tjänst",
            K::Process => "process",
            K::Task => "uppgift",
            K::Deliverable => "leverans",
            _ => kind.as_str(),
        },
        _ => kind.as_str(),
    }
}

/// The name of a task status in the legend.
pub(crate) fn status_name(status: Status, lang: Option<&str>) -> &'static str {
    use Status as S;
    match lang {
        Some("fi") => match status {
            S::NotStarted => "ei aloitettu",
            S::InProgress => "käynnissä",
            S::Done => "valmis",
            S::Blocked => "estynyt",
            S::Cancelled => "peruttu",
            _ => status.as_str(),
        },
        Some("sv") => match status {
            S::NotStarted => "ej påbörjad",
            S::InProgress => "pågår",
            S::Done => "klar",
            S::Blocked => "blockerad",
            S::Cancelled => "inställd",
            _ => status.as_str(),
        },
        _ => match status {
            S::NotStarted => "not started",
            S::InProgress => "in progress",
            S::Done => "done",
            S::Blocked => "blocked",
            S::Cancelled => "cancelled",
            _ => status.as_str(),
        },
    }
}

/// The name of a relation kind in the legend.
pub(crate) fn relation_name(kind: RelationKind, lang: Option<&str>) -> &'static str {
    use RelationKind as R;
    match lang {
        Some("fi") => match kind {
            R::Plays => "toimii roolissa",
            R::Responsible => "vastaa",
            R::Participates => "osallistuu",
            R::Provides => "tarjoaa",
            R::Uses => "käyttää",
            R::Flow => "tietovirta",
            R::DependsOn => "riippuu",
            R::Produces => "tuottaa",
            R::Concerns => "koskee",
            R::Linked => "yhteys",
            _ => kind.as_str(),
        },
        Some("sv") => match kind {
            R::Plays => "spelar",
            R::Responsible => "ansvarar",
            R::Participates => "deltar",
            R::Provides => "erbjuder",
            R::Uses => "använder",
            R::Flow => "dataflöde",
            R::DependsOn => "beror på",
            R::Produces => "producerar",
            R::Concerns => "gäller",
            R::Linked => "kopplad",
            _ => kind.as_str(),
        },
        _ => match kind {
            R::DependsOn => "depends on",
            _ => kind.as_str(),
        },
    }
}

/// Label sizes and wrap widths shared by the SVG backend and the line breaks of DOT and
/// Mermaid labels, so every backend wraps a name at the same words.
pub(crate) mod metrics {
    /// Font size of element names, px.
    pub const NODE_FONT: f64 = 12.0;
    /// Line height of element names, px.
    pub const NODE_LINE: f64 = 15.0;
    /// Widest line of an element name before it wraps, px.
    pub const NODE_WRAP: f64 = 150.0;
    /// Font size of container labels, px.
    pub const CLUSTER_FONT: f64 = 12.0;
    /// Widest line of a container label, px.
    pub const CLUSTER_WRAP: f64 = 260.0;
    /// Font size of edge labels, px.
    pub const EDGE_FONT: f64 = 10.0;
    /// Line height of edge labels, px.
    pub const EDGE_LINE: f64 = 12.5;
    /// Widest line of an edge label, px.
    pub const EDGE_WRAP: f64 = 130.0;
    /// Title font size, px.
    pub const TITLE_FONT: f64 = 16.0;
}
