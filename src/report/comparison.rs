//! The `report.html` of a run of several scenarios: one table of their questions and headline
//! answers, each linking to the scenario's own report.

use std::fmt::Write;

use super::html::esc;
use crate::export::library::Entry;

/// The page: `entries` are (scenario name, its row); each scenario's folder is its name.
pub fn page(entries: &[(&str, &Entry)]) -> String {
    let mut h = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Comparison of scenarios</title>\n<style>\
body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;font-size:19px;line-height:1.45;color:#111}\
table{border-collapse:collapse;margin:1em 0} td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\
small{color:#555}\
</style></head><body>\n<h1>Comparison of scenarios</h1>\n\
<p>Each row is one scenario of this run: its question, the comparison its headline makes and the answer with its 95% interval. \
Each scenario's folder holds its full results and report.</p>\n\
<table><tr><th>scenario</th><th>question</th><th>headline comparison</th><th>answer (95% interval)</th><th>runs, seed</th></tr>\n",
    );
    for (name, e) in entries {
        let _ = writeln!(
            h,
            "<tr><td><a href=\"{n}/{page}\">{n}</a><br><small>{file}</small></td><td>{q}</td><td>{c}</td><td>{a}</td><td>{r}, {s}</td></tr>",
            n = esc(name),
            // A repeated game has no report of its own: link its ranking.
            page = match &e.figures {
                Some(f) if f.metric == "mean_payoff" => "ranking.csv",
                _ => "report.html",
            },
            file = esc(&e.file),
            q = esc(&e.question),
            c = esc(&e.comparison.replace('`', "")),
            a = esc(&e.answer.replace('`', "")),
            r = e.runs,
            s = e.seed,
        );
    }
    h.push_str("</table>\n</body></html>\n");
    h
}
