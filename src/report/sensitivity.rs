//! `sensitivity.svg`: each factor's first-order and total Sobol index with its bootstrap 95%
//! interval, most influential at the top.

use plotters::prelude::*;

use super::charts::{FONT, colour, legend, svg};
use crate::export::sensitivity::Factor;

/// The chart; `what` names the output the indices are of.
pub fn svg_text(what: &str, factors: &[Factor]) -> String {
    let n = factors.len().max(1);
    let h = 160 + 70 * n as u32;
    svg(h, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(what, (FONT, 22))
            .margin(16)
            .margin_right(30)
            .x_label_area_size(48)
            .y_label_area_size(0)
            .build_cartesian_2d(-0.05f64..1.05f64, 0f64..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc("share of the output's variance")
            .label_style((FONT, 18))
            .axis_desc_style((FONT, 20))
            .x_label_formatter(&|v| format!("{v:.1}"))
            .light_line_style(WHITE)
            .draw()?;
        for (k, (label, pick)) in [("first order", 0usize), ("total", 1usize)]
            .into_iter()
            .enumerate()
        {
            let c = colour(k);
            let mut first = true;
            for (i, f) in factors.iter().enumerate() {
                let Some(s) = f.sobol else { continue };
                let (x, ci) = if pick == 0 {
                    (s.first, s.first_ci)
                } else {
                    (s.total, s.total_ci)
                };
                let y = (n - 1 - i) as f64 + 0.22 + 0.3 * k as f64;
                let bar = chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y), (x.clamp(-0.05, 1.05), y + 0.26)],
                    c.filled(),
                )))?;
                if first {
                    bar.label(label).legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 18, y + 6)], c.filled())
                    });
                    first = false;
                }
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![
                        (ci.0.clamp(-0.05, 1.05), y + 0.13),
                        (ci.1.clamp(-0.05, 1.05), y + 0.13),
                    ],
                    BLACK.stroke_width(2),
                )))?;
            }
        }
        for (i, f) in factors.iter().enumerate() {
            let y = (n - 1 - i) as f64 + 0.92;
            chart.draw_series(std::iter::once(Text::new(
                f.key.clone(),
                (0.0, y),
                (FONT, 18).into_font(),
            )))?;
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    })
}
