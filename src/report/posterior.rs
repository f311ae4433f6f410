//! `posterior.svg`: the fitted settings' marginal posteriors against their priors (the
//! diagonal) and every pair of settings as a weighted scatter of the particles (off the
//! diagonal), each setting over its prior's range.

use plotters::prelude::*;

use super::charts::{DrawResult, FONT, W, colour, svg};
use crate::model::dist::Dist;
use crate::sweep::abc::{Particle, density};

/// Bins of each marginal histogram.
const BINS: usize = 20;

/// The chart of `particles` (their `theta` in the order of `keys`) against `priors`.
pub fn svg_text(keys: &[String], priors: &[Dist], particles: &[Particle]) -> String {
    let k = keys.len().max(1);
    svg(W, |root| {
        let panels = root.split_evenly((k, k));
        let heaviest = particles.iter().map(|p| p.weight).fold(0.0f64, f64::max);
        for (at, area) in panels.iter().enumerate() {
            let (row, col) = (at / k, at % k);
            if row == col {
                marginal(area, &keys[row], &priors[row], particles, row)?;
            } else {
                let priors = (&priors[col], &priors[row]);
                pair(area, priors, particles, (col, row), heaviest)?;
            }
        }
        Ok(())
    })
}

/// Label size for panels of `k` to a row.
fn text(k: usize) -> u32 {
    (22 - 2 * k.min(8) as u32).max(11)
}

/// The weighted histogram of setting `j` (bars) and its prior's mass per bin (a line).
fn marginal(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    key: &str,
    prior: &Dist,
    particles: &[Particle],
    j: usize,
) -> DrawResult {
    let (lo, hi) = prior.support();
    let width = (hi - lo) / BINS as f64;
    let bin = |x: f64| (((x - lo) / width) as usize).min(BINS - 1);
    let mut post = [0.0f64; BINS];
    let total: f64 = particles.iter().map(|p| p.weight).sum();
    for p in particles {
        post[bin(p.theta[j])] += p.weight / total.max(f64::MIN_POSITIVE);
    }
    let centre = |b: usize| lo + width * (b as f64 + 0.5);
    let dens: Vec<f64> = (0..BINS).map(|b| density(prior, centre(b))).collect();
    let sum: f64 = dens.iter().sum();
    let prior_mass: Vec<f64> = dens
        .iter()
        .map(|d| d / sum.max(f64::MIN_POSITIVE))
        .collect();
    let top = post
        .iter()
        .chain(&prior_mass)
        .fold(0.0f64, |a, &b| a.max(b))
        * 1.1;
    let size = text(particles.first().map_or(1, |p| p.theta.len()));
    let mut chart = ChartBuilder::on(area)
        .caption(key, (FONT, size))
        .margin(6)
        .margin_right(14)
        .x_label_area_size(size + 6)
        .y_label_area_size(0)
        .build_cartesian_2d(lo..hi, 0.0..top.max(f64::MIN_POSITIVE))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .y_labels(0)
        .x_labels(3)
        .label_style((FONT, size))
        .draw()?;
    let c = colour(1);
    chart.draw_series((0..BINS).map(|b| {
        let x = lo + width * b as f64;
        Rectangle::new([(x, 0.0), (x + width, post[b])], c.mix(0.7).filled())
    }))?;
    chart.draw_series(LineSeries::new(
        (0..BINS).map(|b| (centre(b), prior_mass[b])),
        BLACK.stroke_width(2),
    ))?;
    Ok(())
}

/// The particles over two settings (the column's across, the row's up), each dot darker
/// the heavier its weight.
fn pair(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    priors: (&Dist, &Dist),
    particles: &[Particle],
    (jx, jy): (usize, usize),
    heaviest: f64,
) -> DrawResult {
    let (x0, x1) = priors.0.support();
    let (y0, y1) = priors.1.support();
    let size = text(particles.first().map_or(1, |p| p.theta.len()));
    let mut chart = ChartBuilder::on(area)
        .margin(6)
        .margin_right(14)
        .x_label_area_size(size + 6)
        .y_label_area_size(size * 2 + 8)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(3)
        .y_labels(3)
        .label_style((FONT, size))
        .draw()?;
    let c = colour(1);
    chart.draw_series(particles.iter().map(|p| {
        let a = 0.3 + 0.7 * (p.weight / heaviest.max(f64::MIN_POSITIVE)).sqrt();
        Circle::new((p.theta[jx], p.theta[jy]), 2, c.mix(a).filled())
    }))?;
    Ok(())
}
