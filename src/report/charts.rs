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
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
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

/// Median lines with their 10-90% band, one per arm, on one panel.
fn band_panel(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    r: &Results,
    metric: &str,
    caption: &str,
    y_desc: &str,
    y_max: f64,
) -> DrawResult {
    let months = last_month(r);
    let mut chart = month_chart(area, caption, months, y_max, y_desc, 2)?;
    for (i, arm) in r.arms.iter().enumerate() {
        let Some(pts) = r.series.get(&(arm.clone(), metric.to_string())) else {
            continue;
        };
        let pts: Vec<&Point> = pts.iter().filter(|p| p.p50.is_finite()).collect();
        let c = colour(i);
        let mut band: Vec<(f64, f64)> = pts.iter().map(|p| (p.month, p.p90)).collect();
        band.extend(pts.iter().rev().map(|p| (p.month, p.p10)));
        chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.15).filled())))?;
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|p| (p.month, p.p50)),
                c.stroke_width(3),
            ))?
            .label(arm.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3)));
        // The mean's 95% interval, dashed.
        for edge in [
            pts.iter().map(|p| (p.month, p.lo)).collect::<Vec<_>>(),
            pts.iter().map(|p| (p.month, p.hi)).collect(),
        ] {
            chart.draw_series(DashedLineSeries::new(edge, 4, 4, c.stroke_width(1)))?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)?;
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

/// trust.svg: both directions, one panel each.
pub fn trust(r: &Results) -> String {
    let trust: Vec<&String> = r
        .metrics
        .iter()
        .filter(|m| m.starts_with("trust:"))
        .collect();
    svg(2 * H, |root| {
        let panels = root.split_evenly((trust.len().max(1), 1));
        for (m, area) in trust.iter().zip(panels.iter()) {
            let parts: Vec<&str> = m.split(':').collect();
            let caption = format!(
                "{}'s trust in {} ({}, mean's 95% CI dashed)",
                parts[1],
                parts.get(2).unwrap_or(&""),
                band_words(r)
            );
            band_panel(area, r, m, &caption, "P(the other is sincere)", 1.0)?;
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

/// survival.svg: share of runs with no breakdown and no war yet.
pub fn survival(r: &Results) -> String {
    let months = last_month(r);
    svg(H, |root| {
        let mut chart = month_chart(
            root,
            "Share of runs with no breakdown and no war",
            months,
            1.0,
            "share of runs",
            1,
        )?;
        for (i, arm) in r.arms.iter().enumerate() {
            let get = |m: &str| r.series.get(&(arm.clone(), format!("status:{m}")));
            let (Some(b), Some(w)) = (get("breakdown"), get("war")) else {
                continue;
            };
            let c = colour(i);
            chart
                .draw_series(LineSeries::new(
                    b.iter()
                        .zip(w)
                        .map(|(b, w)| (b.month, 1.0 - b.mean - w.mean)),
                    c.stroke_width(3),
                ))?
                .label(arm.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 24, y)], c.stroke_width(3))
                });
        }
        legend(&mut chart, SeriesLabelPosition::LowerLeft)?;
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
        let mut chart = ChartBuilder::on(root)
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
            .label_style((FONT, 18))
            .axis_desc_style((FONT, 20))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .light_line_style(WHITE)
            .draw()?;
        for (i, arm) in r.arms.iter().enumerate() {
            let c = colour(i);
            let mut first = true;
            for (k, o) in OUTCOMES.iter().enumerate() {
                let Some(s) = r.summary.get(&(arm.clone(), format!("outcome:{o}"))) else {
                    continue;
                };
                let x = (k * (arms + 1) + i) as f64 + 0.5;
                let bar = chart.draw_series(std::iter::once(Rectangle::new(
                    [(x, 0.0), (x + 0.9, s.mean)],
                    c.filled(),
                )))?;
                if first {
                    bar.label(arm.clone()).legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 18, y + 6)], c.filled())
                    });
                    first = false;
                }
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x + 0.45, s.lo), (x + 0.45, s.hi)],
                    BLACK.stroke_width(2),
                )))?;
            }
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
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
