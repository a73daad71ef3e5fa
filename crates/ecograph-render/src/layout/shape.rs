//! Node outlines: the drawn shape inside a node's box, as a polygon, so edge
//! ends can be cut where the line meets what is drawn rather than the box.

use super::Point;

/// Segments per quarter of a rounded end or an ellipse arc: the polygon
/// strays less than 0.05 px from arcs of the sizes drawn here.
const ARC_STEPS: usize = 12;

/// The drawn outline of a node inside its `width × height` box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum Outline {
    /// The box itself.
    #[default]
    Rect,
    /// A box with corners rounded by [`Outline::ROUNDED_RADIUS`].
    Rounded,
    /// A box whose short ends are half circles.
    Stadium,
    /// A cylinder: half-ellipse caps of height [`Outline::cylinder_cap`].
    Cylinder,
    /// A hexagon with points at mid-height, [`Outline::hexagon_inset`] in.
    Hexagon,
    /// A parallelogram leaning right by [`Outline::slant`].
    Parallelogram,
    /// A trapezoid, narrower at the top by [`Outline::slant`] on each side.
    Trapezoid,
    /// A sheet with its top right corner folded by [`Outline::note_fold`].
    Note,
}

impl Outline {
    /// Corner radius of [`Outline::Rounded`].
    pub const ROUNDED_RADIUS: f64 = 8.0;

    /// Vertical radius of a cylinder's caps for a box of height `h`.
    #[must_use]
    pub fn cylinder_cap(h: f64) -> f64 {
        (h * 0.12).min(7.0)
    }

    /// How far a hexagon's top and bottom sides are set in.
    #[must_use]
    pub fn hexagon_inset(h: f64) -> f64 {
        h * 0.3
    }

    /// Horizontal lean of a parallelogram or trapezoid.
    #[must_use]
    pub fn slant(h: f64) -> f64 {
        h * 0.35
    }

    /// Size of a note's folded corner.
    #[must_use]
    pub fn note_fold(h: f64) -> f64 {
        (h * 0.3).min(10.0)
    }

    /// The outline as a closed polygon (the last point joins the first) in
    /// the box with top-left corner `(x, y)`; arcs become short segments.
    /// Slants, insets and folds shrink to fit a box too narrow for them.
    #[must_use]
    pub fn polygon(self, x: f64, y: f64, w: f64, h: f64) -> Vec<Point> {
        let p = |x: f64, y: f64| Point { x, y };
        match self {
            Outline::Rect => vec![p(x, y), p(x + w, y), p(x + w, y + h), p(x, y + h)],
            Outline::Rounded | Outline::Stadium => {
                let r = if self == Outline::Stadium {
                    h.min(w) / 2.0
                } else {
                    Self::ROUNDED_RADIUS.min(w / 2.0).min(h / 2.0)
                };
                // Corner centres, clockwise from top right (y grows down).
                let corners = [
                    (x + w - r, y + r, -90.0f64),
                    (x + w - r, y + h - r, 0.0),
                    (x + r, y + h - r, 90.0),
                    (x + r, y + r, 180.0),
                ];
                let mut out = Vec::with_capacity(4 * (ARC_STEPS + 1));
                for (cx, cy, start) in corners {
                    for i in 0..=ARC_STEPS {
                        let a = (start + 90.0 * i as f64 / ARC_STEPS as f64).to_radians();
                        out.push(p(cx + r * a.cos(), cy + r * a.sin()));
                    }
                }
                out
            }
            Outline::Cylinder => {
                let ry = Self::cylinder_cap(h).min(h / 2.0);
                let rx = w / 2.0;
                let cx = x + rx;
                let mut out = Vec::with_capacity(4 * ARC_STEPS + 2);
                // Top cap from the left end over the top to the right end,
                // then the bottom cap from the right end under to the left.
                for i in 0..=2 * ARC_STEPS {
                    let a = (180.0 + 180.0 * i as f64 / (2 * ARC_STEPS) as f64).to_radians();
                    out.push(p(cx + rx * a.cos(), y + ry + ry * a.sin()));
                }
                for i in 0..=2 * ARC_STEPS {
                    let a = (180.0 * i as f64 / (2 * ARC_STEPS) as f64).to_radians();
                    out.push(p(cx + rx * a.cos(), y + h - ry + ry * a.sin()));
                }
                out
            }
            Outline::Hexagon => {
                let k = Self::hexagon_inset(h).min(w / 2.0);
                let cy = y + h / 2.0;
                vec![
                    p(x, cy),
                    p(x + k, y),
                    p(x + w - k, y),
                    p(x + w, cy),
                    p(x + w - k, y + h),
                    p(x + k, y + h),
                ]
            }
            Outline::Parallelogram => {
                let k = Self::slant(h).min(w / 2.0);
                vec![p(x + k, y), p(x + w, y), p(x + w - k, y + h), p(x, y + h)]
            }
            Outline::Trapezoid => {
                let k = Self::slant(h).min(w / 2.0);
                vec![p(x + k, y), p(x + w - k, y), p(x + w, y + h), p(x, y + h)]
            }
            Outline::Note => {
                let f = Self::note_fold(h).min(w);
                vec![
                    p(x, y),
                    p(x + w - f, y),
                    p(x + w, y + f),
                    p(x + w, y + h),
                    p(x, y + h),
                ]
            }
        }
    }
}

/// Where the ray from `from` through `toward` first meets the closed
/// polygon, if it does.
#[must_use]
pub fn ray_hit(polygon: &[Point], from: Point, toward: Point) -> Option<Point> {
    let (dx, dy) = (toward.x - from.x, toward.y - from.y);
    let mut best: Option<f64> = None;
    for i in 0..polygon.len() {
        let (a, b) = (polygon[i], polygon[(i + 1) % polygon.len()]);
        let (ex, ey) = (b.x - a.x, b.y - a.y);
        let den = dx * ey - dy * ex;
        if den.abs() < 1e-12 {
            continue;
        }
        let (qx, qy) = (a.x - from.x, a.y - from.y);
        let t = (qx * ey - qy * ex) / den;
        let u = (qx * dy - qy * dx) / den;
        if t >= 0.0 && (-1e-9..=1.0 + 1e-9).contains(&u) && best.is_none_or(|b| t < b) {
            best = Some(t);
        }
    }
    best.map(|t| Point {
        x: from.x + t * dx,
        y: from.y + t * dy,
    })
}

/// Distance from `q` to the boundary of the closed polygon.
#[must_use]
pub fn distance_to_boundary(polygon: &[Point], q: Point) -> f64 {
    let mut best = f64::INFINITY;
    for i in 0..polygon.len() {
        let (a, b) = (polygon[i], polygon[(i + 1) % polygon.len()]);
        best = best.min(distance_to_segment(q, a, b));
    }
    best
}

/// Distance from `q` to the segment `ab`.
#[must_use]
pub fn distance_to_segment(q: Point, a: Point, b: Point) -> f64 {
    let (ex, ey) = (b.x - a.x, b.y - a.y);
    let len2 = ex * ex + ey * ey;
    let t = if len2 > 0.0 {
        (((q.x - a.x) * ex + (q.y - a.y) * ey) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (q.x - a.x - t * ex).hypot(q.y - a.y - t * ey)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    #[test]
    fn vertical_rays_meet_every_outline_inside_its_box() {
        let outlines = [
            Outline::Rect,
            Outline::Rounded,
            Outline::Stadium,
            Outline::Cylinder,
            Outline::Hexagon,
            Outline::Parallelogram,
            Outline::Trapezoid,
            Outline::Note,
        ];
        for o in outlines {
            let poly = o.polygon(10.0, 20.0, 100.0, 40.0);
            for x in [12.0, 40.0, 60.0, 108.0] {
                let hit = ray_hit(&poly, pt(x, 100.0), pt(x, 80.0)).expect("a hit");
                assert!((hit.x - x).abs() < 1e-9, "{o:?}");
                assert!((20.0..=60.0 + 1e-9).contains(&hit.y), "{o:?} {hit:?}");
                assert!(distance_to_boundary(&poly, hit) < 1e-6);
            }
        }
    }

    #[test]
    fn parallelogram_is_cut_on_its_slanted_side() {
        let poly = Outline::Parallelogram.polygon(0.0, 0.0, 100.0, 40.0);
        // Bottom right corner of the box is outside the shape: a ray up at
        // x = 95 meets the right side, which runs from (100, 0) to (86, 40).
        let hit = ray_hit(&poly, pt(95.0, 60.0), pt(95.0, 50.0)).expect("a hit");
        let expected_y = (100.0 - 95.0) / 14.0 * 40.0;
        assert!((hit.y - expected_y).abs() < 1e-9, "{hit:?}");
    }

    #[test]
    fn distances() {
        let poly = Outline::Rect.polygon(0.0, 0.0, 10.0, 10.0);
        assert!((distance_to_boundary(&poly, pt(5.0, 5.0)) - 5.0).abs() < 1e-12);
        assert!((distance_to_boundary(&poly, pt(13.0, 14.0)) - 5.0).abs() < 1e-12);
    }
}
