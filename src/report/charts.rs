//! The charts, as SVG text: large type, the Okabe-Ito colour-blind-safe palette, and the same
//! colour for the same arm in every chart.

use plotters::prelude::*;

use super::{Point, Results};
use crate::model::StockNames;

pub(super) const W: u32 = 1000;
const H: u32 = 560;
pub(super) const FONT: &str = "sans-serif";

/// The colour of arm `i` (`export::palette`).
pub fn colour(i: usize) -> RGBColor {
    let (r, g, b) = crate::export::palette::colour(i);
    RGBColor(r, g, b)
}

pub(super) type DrawResult = Result<(), Box<dyn std::error::Error>>;

type MonthChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The last month of the trajectories (the x range of the monthly charts).
fn last_month(r: &Results) -> f64 {
    r.series
        .values()
        .next()
        .map_or(1.0, |v| v.len() as f64 - 1.0)
        .max(1.0)
}

/// A chart with months on the x axis and its mesh drawn, in the shared style.
fn month_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    caption: &str,
    months: f64,
    y_max: f64,
    y_desc: &str,
    decimals: usize,
) -> Result<MonthChart<'a, 'b>, Box<dyn std::error::Error>> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FONT, 26))
        .margin(16)
        .margin_right(30)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..months, 0f64..y_max)?;
    chart
        .configure_mesh()
        .x_desc("month")
        .y_desc(y_desc)
        .label_style((FONT, 20))
        .axis_desc_style((FONT, 22))
        .y_label_formatter(&|v| format!("{v:.decimals$}"))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(WHITE)
        .draw()?;
    Ok(chart)
}

/// The legend, in the same style on every chart.
pub(super) fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 18))
        .draw()?;
    Ok(())
}

/// The height of the legend strip under a chart.
const STRIP: u32 = 44;

/// A chart's area above a strip holding its legend: one entry per arm in a row, beside the
/// plot rather than over it, so that no line is hidden at its peak.
fn with_legend<'b>(
    area: &DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    arms: &[String],
) -> Result<DrawingArea<SVGBackend<'b>, plotters::coord::Shift>, Box<dyn std::error::Error>> {
    let (w, h) = area.dim_in_pixel();
    let (plot, strip) = area.split_vertically(h.saturating_sub(STRIP));
    let step = (w as i32 - 40) / arms.len().max(1) as i32;
    let y = STRIP as i32 / 2;
    for (i, arm) in arms.iter().enumerate() {
        let x = 40 + step * i as i32;
        strip.draw(&PathElement::new(
            vec![(x, y), (x + 28, y)],
            colour(i).stroke_width(4),
        ))?;
        strip.draw(&Text::new(
            arm.clone(),
            (x + 36, y - 10),
            (FONT, 20).into_font().color(&BLACK),
        ))?;
    }
    Ok(plot)
}

/// One arm's median line with its 10-90% band and the mean's 95% interval (dashed).
fn band_series(chart: &mut MonthChart, pts: &[Point], c: RGBColor) -> DrawResult {
    let pts: Vec<&Point> = pts.iter().filter(|p| p.p50.is_finite()).collect();
    let mut band: Vec<(f64, f64)> = pts.iter().map(|p| (p.month, p.p90)).collect();
    band.extend(pts.iter().rev().map(|p| (p.month, p.p10)));
    chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.15).filled())))?;
    chart.draw_series(LineSeries::new(
        pts.iter().map(|p| (p.month, p.p50)),
        c.stroke_width(3),
    ))?;
    for edge in [
        pts.iter().map(|p| (p.month, p.lo)).collect::<Vec<_>>(),
        pts.iter().map(|p| (p.month, p.hi)).collect(),
    ] {
        chart.draw_series(DashedLineSeries::new(edge, 4, 4, c.stroke_width(1)))?;
    }
    Ok(())
}

/// Median lines with their 10-90% band, one per arm, on one panel, the legend beneath.
fn band_panel(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    r: &Results,
    metric: &str,
    caption: &str,
    y_desc: &str,
    y_max: f64,
) -> DrawResult {
    let months = last_month(r);
    let plot = with_legend(area, &r.arms)?;
    let mut chart = month_chart(&plot, caption, months, y_max, y_desc, 2)?;
    for (i, arm) in r.arms.iter().enumerate() {
        if let Some(pts) = r.series.get(&(arm.clone(), metric.to_string())) {
            band_series(&mut chart, pts, colour(i))?;
        }
    }
    Ok(())
}

pub(super) fn svg(
    h: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> DrawResult,
) -> String {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (W, h)).into_drawing_area();
        let ok = root.fill(&WHITE).is_ok() && draw(&root).is_ok() && root.present().is_ok();
        drop(root);
        if !ok {
            return String::new();
        }
    }
    s
}

/// "median, 10-90% band" for the default quantiles, in the words of the columns written.
fn band_words(r: &Results) -> String {
    let (lo, hi, mid) = &r.band;
    let line = if mid == "p50" { "median" } else { "mean" };
    format!(
        "{line}, {}-{}% band",
        lo.trim_start_matches('p'),
        hi.trim_start_matches('p')
    )
}

/// The height of one arm's row of trust panels.
const TRUST_ROW: u32 = 300;

/// trust.svg: small multiples, one row per arm and one column per direction, on shared axes,
/// so that no arm's band hides another's.
pub fn trust(r: &Results) -> String {
    let trust: Vec<&String> = r
        .metrics
        .iter()
        .filter(|m| m.starts_with("trust:"))
        .collect();
    let rows = r.arms.len().max(1);
    svg(60 + TRUST_ROW * rows as u32, |root| {
        let title = format!(
            "Trust, each arm on its own row ({}, mean's 95% CI dashed)",
            band_words(r)
        );
        let (head, body) = root.split_vertically(60);
        head.draw(&Text::new(
            title,
            (20, 16),
            (FONT, 26).into_font().color(&BLACK),
        ))?;
        let panels = body.split_evenly((rows, trust.len().max(1)));
        for (k, area) in panels.iter().enumerate() {
            let (i, m) = (k / trust.len().max(1), trust.get(k % trust.len().max(1)));
            let (Some(arm), Some(m)) = (r.arms.get(i), m) else {
                continue;
            };
            let parts: Vec<&str> = m.split(':').collect();
            let caption = format!(
                "{arm}: {}'s trust in {}",
                parts[1],
                parts.get(2).unwrap_or(&"")
            );
            let mut chart = ChartBuilder::on(area)
                .caption(caption, (FONT, 22))
                .margin(8)
                .margin_right(20)
                .x_label_area_size(40)
                .y_label_area_size(56)
                .build_cartesian_2d(0f64..last_month(r), 0f64..1f64)?;
            chart
                .configure_mesh()
                .label_style((FONT, 20))
                .y_labels(3)
                .x_labels(5)
                .y_label_formatter(&|v| format!("{v:.1}"))
                .x_label_formatter(&|v| format!("{v:.0}"))
                .light_line_style(WHITE)
                .draw()?;
            if let Some(pts) = r.series.get(&(arm.clone(), m.to_string())) {
                band_series(&mut chart, pts, colour(i))?;
            }
        }
        Ok(())
    })
}

/// tension.svg.
pub fn tension(r: &Results) -> String {
    svg(H, |root| {
        band_panel(
            root,
            r,
            "tension",
            &format!("Tension ({})", band_words(r)),
            "tension",
            1.0,
        )
    })
}

/// The stock chart ([`stock_chart`]): the actors' stock, under the scenario's names.
pub fn stock(r: &Results, names: &StockNames) -> String {
    let max = r
        .series
        .iter()
        .filter(|((_, m), _)| *m == names.monthly_metric)
        .flat_map(|(_, v)| v.iter().map(|p| p.p90))
        .filter(|x| x.is_finite())
        .fold(1.0f64, f64::max);
    svg(H, |root| {
        band_panel(
            root,
            r,
            &names.monthly_metric,
            &format!("{} ({})", names.label, band_words(r)),
            &names.unit,
            (max * 1.1).ceil(),
        )
    })
}

/// The smallest share of runs with a process started for the survival chart to draw a month:
/// below it the ratio is a few runs' noise.
const MIN_STARTED: f64 = 0.01;

/// survival.svg: of the runs in which a process (an agreement or a verified freeze) has
/// started and no war has broken out, the share whose process is still in force, by month.
/// An arm that never starts a process has no line: it has nothing to lose, which is not
/// safety.
pub fn survival(r: &Results) -> String {
    let months = last_month(r);
    svg(H, |root| {
        let plot = with_legend(root, &r.arms)?;
        let mut chart = month_chart(
            &plot,
            "Processes that started: share still in force (no line: none started)",
            months,
            1.0,
            "share of started processes",
            1,
        )?;
        for (i, arm) in r.arms.iter().enumerate() {
            let get = |m: &str| r.series.get(&(arm.clone(), format!("status:{m}")));
            let (Some(a), Some(f), Some(b)) = (get("agreement"), get("freeze"), get("breakdown"))
            else {
                continue;
            };
            let points: Vec<(f64, f64)> = a
                .iter()
                .zip(f)
                .zip(b)
                .filter_map(|((a, f), b)| {
                    let started = a.mean + f.mean + b.mean;
                    (started >= MIN_STARTED).then(|| (a.month, (a.mean + f.mean) / started))
                })
                .collect();
            chart.draw_series(LineSeries::new(points, colour(i).stroke_width(3)))?;
        }
        Ok(())
    })
}

/// The five outcomes, in the order of the outcome chart.
pub const OUTCOMES: [&str; 5] = [
    "agreement",
    "interim_freeze",
    "breakdown",
    "war",
    "stalemate",
];

/// outcomes.svg: outcome shares per arm with their 95% Wilson intervals.
pub fn outcomes(r: &Results) -> String {
    let arms = r.arms.len().max(1);
    let slots = (OUTCOMES.len() * (arms + 1)) as f64;
    svg(H, |root| {
        let plot = with_legend(root, &r.arms)?;
        let mut chart = ChartBuilder::on(&plot)
            .caption(
                "Outcomes at the horizon (share of runs, 95% interval)",
                (FONT, 26),
            )
            .margin(16)
            .margin_right(30)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..slots, 0f64..1f64)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(OUTCOMES.len() * (arms + 1) + 1)
            .x_label_formatter(&|x| {
                // One label per group, under its middle bar.
                let slot = x.round() as usize;
                if (x - x.round()).abs() > 1e-6 || slot % (arms + 1) != arms / 2 {
                    return String::new();
                }
                OUTCOMES
                    .get(slot / (arms + 1))
                    .map_or(String::new(), |o| o.replace('_', " "))
            })
            .y_desc("share of runs")
            .label_style((FONT, 20))
            .axis_desc_style((FONT, 22))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .light_line_style(WHITE)
            .draw()?;
        for (i, arm) in r.arms.iter().enumerate() {
            let c = colour(i);
            for (k, o) in OUTCOMES.iter().enumerate() {
                let Some(s) = r.summary.get(&(arm.clone(), format!("outcome:{o}"))) else {
                    continue;
                };
                let x = (k * (arms + 1) + i) as f64 + 0.5;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x, 0.0), (x + 0.9, s.mean)],
                    c.filled(),
                )))?;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x + 0.45, s.lo), (x + 0.45, s.hi)],
                    BLACK.stroke_width(2),
                )))?;
            }
        }
        Ok(())
    })
}

/// Every chart: (file name, SVG text). `stock` names the stock chart: its file is named after
/// the stock's monthly metric (`arsenal.svg` in korea-2019), as are its series and labels.
pub fn all(r: &Results, stock: &StockNames) -> Vec<(String, String)> {
    vec![
        ("trust.svg".into(), trust(r)),
        ("outcomes.svg".into(), outcomes(r)),
        ("survival.svg".into(), survival(r)),
        ("tension.svg".into(), tension(r)),
        (stock_chart(stock), self::stock(r, stock)),
    ]
}

/// The stock chart's file name.
pub fn stock_chart(stock: &StockNames) -> String {
    format!("{}.svg", stock.monthly_metric.replace(':', "_"))
}
