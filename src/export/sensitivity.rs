//! `sensitivity.csv` and the terminal table of `detente sensitivity`: per factor (a setting
//! given as a distribution), its first-order and total Sobol indices with bootstrap 95%
//! intervals, and its Morris elementary effects.

use super::{csv_bytes, num};
use crate::sweep::sobol::{Effects, Indices};

pub const HEADER: [&str; 10] = [
    "factor",
    "first_order",
    "first_order_low",
    "first_order_high",
    "total",
    "total_low",
    "total_high",
    "morris_mu_star",
    "morris_mu",
    "morris_sigma",
];

/// One factor's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub key: String,
    /// None when the output did not vary over the design.
    pub sobol: Option<Indices>,
    pub morris: Effects,
}

/// The factors, most influential first: by total index, then by mu*.
pub fn ranked(mut f: Vec<Factor>) -> Vec<Factor> {
    let total = |x: &Factor| x.sobol.map_or(0.0, |s| s.total);
    f.sort_by(|a, b| {
        total(b)
            .total_cmp(&total(a))
            .then(b.morris.mu_star.total_cmp(&a.morris.mu_star))
            .then(a.key.cmp(&b.key))
    });
    f
}

pub fn csv(factors: &[Factor]) -> Vec<u8> {
    csv_bytes(
        &HEADER,
        factors.iter().map(|f| {
            let s = f.sobol;
            let v = |g: fn(&Indices) -> f64| s.as_ref().map_or(String::new(), |s| num(g(s)));
            vec![
                f.key.clone(),
                v(|s| s.first),
                v(|s| s.first_ci.0),
                v(|s| s.first_ci.1),
                v(|s| s.total),
                v(|s| s.total_ci.0),
                v(|s| s.total_ci.1),
                num(f.morris.mu_star),
                num(f.morris.mu),
                num(f.morris.sigma),
            ]
        }),
    )
}

/// The terminal table: what the output is, then one line per factor.
pub fn table(what: &str, factors: &[Factor]) -> String {
    let width = factors
        .iter()
        .map(|f| f.key.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut s = format!("{what}\n");
    s += &format!(
        "{:width$}  {:>22}  {:>22}  {:>9}\n",
        "factor", "first order [95%]", "total [95%]", "Morris mu*"
    );
    for f in factors {
        let idx = |x: f64, ci: (f64, f64)| format!("{x:.3} [{:.3}, {:.3}]", ci.0, ci.1);
        let (first, total) = match f.sobol {
            Some(s) => (idx(s.first, s.first_ci), idx(s.total, s.total_ci)),
            None => ("-".to_string(), "-".to_string()),
        };
        s += &format!(
            "{:width$}  {first:>22}  {total:>22}  {:>9.3}\n",
            f.key, f.morris.mu_star
        );
    }
    s
}
