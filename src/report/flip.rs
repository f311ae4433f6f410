//! `flip.svg`: where the chosen arm beats the baseline over two varied settings, where the
//! baseline wins, and where the difference is not significant (one setting: the difference and
//! its interval along it).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::charts::{DrawResult, FONT, W, legend, svg};
use crate::export::sweep::PointResult;
use crate::sweep::Verdict;

/// What the map is about.
pub struct FlipSpec<'a> {
    pub keys: &'a [String],
    pub arm: &'a str,
    pub baseline: &'a str,
    pub metric: &'a str,
    pub lower_is_better: bool,
    /// Whether the points form a full grid over exactly the two mapped settings (cells are
    /// drawn as tiles; otherwise as dots).
    pub tiles: bool,
}

const ARM: RGBColor = RGBColor(0, 114, 178);
const BASE: RGBColor = RGBColor(213, 94, 0);
const NS: RGBColor = RGBColor(190, 190, 190);
const MIXED: RGBColor = RGBColor(120, 120, 120);

fn colour(v: Option<Verdict>) -> RGBColor {
    match v {
        Some(Verdict::Arm) => ARM,
        Some(Verdict::Baseline) => BASE,
        Some(Verdict::NotSignificant) => NS,
        None => MIXED,
    }
}

fn span(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = v.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if hi - lo < 1e-12 {
        (lo - 0.5, hi + 0.5)
    } else {
        let pad = (hi - lo) * 0.06;
        (lo - pad, hi + pad)
    }
}

/// The smallest gap between distinct sorted values (a tile's width).
fn step(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.dedup();
    v.windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min)
        .min(1e300)
}

/// The flip map as SVG text.
pub fn svg_text(spec: &FlipSpec, points: &[PointResult]) -> String {
    svg(620, |root| {
        if spec.keys.len() >= 2 {
            map(root, spec, points)
        } else {
            along(root, spec, points)
        }
    })
}

fn caption(spec: &FlipSpec) -> String {
    format!(
        "{} vs {}: {} ({} is better)",
        spec.arm,
        spec.baseline,
        spec.metric,
        if spec.lower_is_better {
            "lower"
        } else {
            "higher"
        }
    )
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn add_legend_entries(chart: &mut Chart, spec: &FlipSpec, mixed: bool) -> DrawResult {
    let mut entries = vec![
        (format!("{} better", spec.arm), ARM),
        (format!("{} better", spec.baseline), BASE),
        ("no significant difference".to_string(), NS),
    ];
    if mixed {
        entries.push(("mixed over the other settings".to_string(), MIXED));
    }
    for (label, c) in entries {
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], c.filled()));
    }
    Ok(())
}

/// One place on the map: its two setting values, and the verdict there (`None`: mixed).
struct Cell {
    x: f64,
    y: f64,
    verdict: Option<Verdict>,
}

/// One cell per distinct (x, y): its verdict, or "mixed" when the points there disagree.
fn cells(spec: &FlipSpec, points: &[PointResult]) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    for p in points {
        let (x, y) = (p.values[0], p.values[1]);
        let v = Verdict::of(p.low, p.high, spec.lower_is_better);
        match cells.iter_mut().find(|c| c.x == x && c.y == y) {
            Some(c) => {
                if c.verdict != Some(v) {
                    c.verdict = None;
                }
            }
            None => cells.push(Cell {
                x,
                y,
                verdict: Some(v),
            }),
        }
    }
    cells
}

/// How one axis of the map is drawn.
struct Extent {
    lo: f64,
    hi: f64,
    /// Half a tile's width along the axis (0 when cells are dots).
    half: f64,
}

/// The extent of an axis over the cells' values `v`: padded, or fitted to whole tiles.
fn extent(v: Vec<f64>, tiles: bool) -> Extent {
    let (lo, hi) = span(v.iter().copied());
    let half = if tiles { step(v.clone()) / 2.0 } else { 0.0 };
    let (lo, hi) = if tiles && half.is_finite() && half < 1e299 {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo - half, hi + half)
    } else {
        (lo, hi)
    };
    Extent { lo, hi, half }
}

fn map(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    spec: &FlipSpec,
    points: &[PointResult],
) -> DrawResult {
    let cells = cells(spec, points);
    let ex = extent(cells.iter().map(|c| c.x).collect(), spec.tiles);
    let ey = extent(cells.iter().map(|c| c.y).collect(), spec.tiles);
    let (main, side) = root.split_horizontally(W - 300);
    let mut chart = ChartBuilder::on(&main)
        .caption(caption(spec), (FONT, 24))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(72)
        .build_cartesian_2d(ex.lo..ex.hi, ey.lo..ey.hi)?;
    chart
        .configure_mesh()
        .x_desc(spec.keys[0].as_str())
        .y_desc(spec.keys[1].as_str())
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .disable_mesh()
        .draw()?;
    let tiles = spec.tiles && ex.half < 1e299 && ey.half < 1e299;
    for cell in &cells {
        if tiles {
            draw_tile(&mut chart, cell, (ex.half, ey.half), points)?;
        } else {
            let c = colour(cell.verdict);
            chart.draw_series(std::iter::once(Circle::new(
                (cell.x, cell.y),
                7,
                c.filled(),
            )))?;
        }
    }
    let mut key = ChartBuilder::on(&side)
        .margin(16)
        .build_cartesian_2d(0f64..1.0, 0f64..1.0)?;
    add_legend_entries(&mut key, spec, cells.iter().any(|c| c.verdict.is_none()))?;
    legend(&mut key, SeriesLabelPosition::UpperLeft)
}

/// One cell as a tile of half-size `(hx, hy)`, labelled with its difference if single.
fn draw_tile(
    chart: &mut Chart,
    cell: &Cell,
    (hx, hy): (f64, f64),
    points: &[PointResult],
) -> DrawResult {
    let (x, y, v) = (cell.x, cell.y, cell.verdict);
    let c = colour(v);
    chart.draw_series(std::iter::once(Rectangle::new(
        [(x - hx, y - hy), (x + hx, y + hy)],
        c.filled(),
    )))?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(x - hx, y - hy), (x + hx, y + hy)],
        WHITE.stroke_width(1),
    )))?;
    // The difference itself, when there is one value per cell.
    if let Some(p) = points.iter().find(|p| (p.values[0], p.values[1]) == (x, y))
        && v.is_some()
        && p.diff.is_finite()
    {
        let ink = if v == Some(Verdict::NotSignificant) {
            BLACK
        } else {
            WHITE
        };
        let style = TextStyle::from((FONT, 16).into_font())
            .color(&ink)
            .pos(Pos::new(HPos::Center, VPos::Center));
        chart.draw_series(std::iter::once(Text::new(
            format!("{:+.3}", p.diff),
            (x, y),
            style,
        )))?;
    }
    Ok(())
}

fn along(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    spec: &FlipSpec,
    points: &[PointResult],
) -> DrawResult {
    let key = spec.keys.first().map_or("setting", String::as_str);
    let (x0, x1) = span(
        points
            .iter()
            .map(|p| p.values.first().copied().unwrap_or(0.0)),
    );
    let (y0, y1) = span(
        points
            .iter()
            .flat_map(|p| [p.low, p.high, 0.0])
            .filter(|v| v.is_finite()),
    );
    let mut chart = ChartBuilder::on(root)
        .caption(caption(spec), (FONT, 24))
        .margin(16)
        .margin_right(30)
        .x_label_area_size(52)
        .y_label_area_size(80)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(key)
        .y_desc(format!("difference, {} - {}", spec.arm, spec.baseline))
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .light_line_style(WHITE)
        .draw()?;
    chart.draw_series(LineSeries::new(
        [(x0, 0.0), (x1, 0.0)],
        BLACK.stroke_width(1),
    ))?;
    for p in points {
        let x = p.values.first().copied().unwrap_or(0.0);
        let c = colour(Some(Verdict::of(p.low, p.high, spec.lower_is_better)));
        if p.low.is_finite() && p.high.is_finite() {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, p.low), (x, p.high)],
                c.stroke_width(3),
            )))?;
        }
        if p.diff.is_finite() {
            chart.draw_series(std::iter::once(Circle::new((x, p.diff), 6, c.filled())))?;
        }
    }
    add_legend_entries(&mut chart, spec, false)?;
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}
