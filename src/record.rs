//! The real record as statistics a run can be compared with: a spec (a TOML file) names, for
//! each statistic, the events of a dated events file it counts, and the statistic is computed
//! from those events, so every number says where it comes from. Pure: the caller reads the
//! two files.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

/// A statistic of the record.
#[derive(Debug, Clone, PartialEq)]
pub struct Statistic {
    /// The run metric it is compared with (`months:verified_freeze`, `agreements`, ...).
    pub metric: String,
    /// Whether a calibration fits it (else it is held out: only checked against the fit).
    pub fitted: bool,
    pub what: String,
    pub value: f64,
    /// The events it counts, as rows of the events file (date, actor, move).
    pub events: Vec<String>,
}

/// The record: where it starts and ends, and its statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub start: String,
    pub end: String,
    pub statistics: Vec<Statistic>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    /// The events file, relative to the spec.
    events: String,
    start: Spanned<String>,
    end: Spanned<String>,
    statistic: Vec<RawStatistic>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatistic {
    metric: String,
    what: String,
    /// Events counted one each.
    #[serde(default)]
    count: Option<Vec<Spanned<String>>>,
    /// Intervals from one event to another, their months summed.
    #[serde(default)]
    months: Option<Vec<[Spanned<String>; 2]>>,
    /// Intervals from one event to another: 1 if one is still open at the end (its second
    /// event after the end), else 0.
    #[serde(default)]
    in_force_at_end: Option<Vec<[Spanned<String>; 2]>>,
    /// Intervals from one event to another, the mean of their months.
    #[serde(default)]
    mean_months: Option<Vec<[Spanned<String>; 2]>>,
    /// Whether a calibration fits the statistic (default true); false holds it out, so that
    /// the posterior's predictions of it test the fit.
    #[serde(default)]
    fit: Option<bool>,
}

/// A row of the events file.
#[derive(Debug, Clone)]
struct Event {
    date: String,
    actor: String,
    what: String,
}

/// A problem in the spec, at a byte range of its text, or in the events file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub at: Option<Range<usize>>,
    pub message: String,
}

impl Problem {
    fn at(span: Range<usize>, message: impl Into<String>) -> Self {
        Problem {
            at: Some(span),
            message: message.into(),
        }
    }
}

/// The events file named by a spec (relative to the spec's folder).
pub fn events_file(spec: &str) -> Result<String, Problem> {
    toml::from_str::<RawSpec>(spec)
        .map(|s| s.events)
        .map_err(|e| Problem {
            at: e.span(),
            message: e.message().trim_end().to_string(),
        })
}

/// Compute the record's statistics from the spec's text and the events file's text.
pub fn compute(spec: &str, events: &str) -> Result<Record, Problem> {
    let raw: RawSpec = toml::from_str(spec).map_err(|e| Problem {
        at: e.span(),
        message: e.message().trim_end().to_string(),
    })?;
    let rows = read_events(events)?;
    let start = month_of(&raw.start)?;
    let end = month_of(&raw.end)?;
    if end < start {
        return Err(Problem::at(
            raw.end.span(),
            "the end comes before the start",
        ));
    }
    let find = |r: &Spanned<String>| find(&rows, r, start, end);
    let mut statistics = Vec::new();
    for s in &raw.statistic {
        let (value, used) = match (&s.count, &s.months, &s.in_force_at_end, &s.mean_months) {
            (Some(list), None, None, None) => {
                let used = list.iter().map(find).collect::<Result<Vec<_>, _>>()?;
                (used.len() as f64, used)
            }
            (None, Some(pairs), None, None) => {
                let (total, used) = intervals(&rows, pairs, start, end)?;
                (total as f64, used)
            }
            (None, None, None, Some(pairs)) => {
                let (total, used) = intervals(&rows, pairs, start, end)?;
                if pairs.is_empty() {
                    return Err(Problem {
                        at: None,
                        message: format!(
                            "statistic '{}': mean_months needs at least one interval",
                            s.metric
                        ),
                    });
                }
                (total as f64 / pairs.len() as f64, used)
            }
            (None, None, Some(pairs), None) => {
                let mut open = false;
                let mut used = Vec::new();
                for [a, b] in pairs {
                    let ea = find_month(&rows, a, start, end)?;
                    let eb = find_any(&rows, b)?;
                    open |= month_of_date(&eb.date) > end;
                    used.extend([ea, eb]);
                }
                (if open { 1.0 } else { 0.0 }, used)
            }
            _ => {
                return Err(Problem {
                    at: None,
                    message: format!(
                        "statistic '{}': give exactly one of count, months, mean_months or in_force_at_end",
                        s.metric
                    ),
                });
            }
        };
        statistics.push(Statistic {
            metric: s.metric.clone(),
            fitted: s.fit.unwrap_or(true),
            what: s.what.clone(),
            value,
            events: used
                .iter()
                .map(|e| format!("{} {}: {}", e.date, e.actor, e.what))
                .collect(),
        });
    }
    Ok(Record {
        start: raw.start.into_inner(),
        end: raw.end.into_inner(),
        statistics,
    })
}

/// The months the intervals between pairs of events span together, and the events.
fn intervals(
    rows: &[Event],
    pairs: &[[Spanned<String>; 2]],
    start: i64,
    end: i64,
) -> Result<(i64, Vec<Event>), Problem> {
    let mut total = 0;
    let mut used = Vec::new();
    for [a, b] in pairs {
        let (ea, eb) = (
            find_month(rows, a, start, end)?,
            find_month(rows, b, start, end)?,
        );
        let (ma, mb) = (month_of_date(&ea.date), month_of_date(&eb.date));
        if mb < ma {
            return Err(Problem::at(
                b.span(),
                "an interval's second event comes before its first",
            ));
        }
        total += mb - ma;
        used.extend([ea, eb]);
    }
    Ok((total, used))
}

fn read_events(text: &str) -> Result<Vec<Event>, Problem> {
    let bad = |m: String| Problem {
        at: None,
        message: m,
    };
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r
        .headers()
        .map_err(|e| bad(format!("events file: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("events file: no '{name}' column")))
    };
    let (d, a, m) = (col("date")?, col("actor")?, col("move")?);
    let mut out = Vec::new();
    for (i, row) in r.records().enumerate() {
        let row = row.map_err(|e| bad(format!("events file: {e}")))?;
        let get = |k: usize| row.get(k).unwrap_or("").to_string();
        let date = get(d);
        if parse_date(&date).is_none() {
            return Err(bad(format!(
                "events file, row {}: date '{date}' is not YYYY, YYYY-MM or YYYY-MM-DD",
                i + 2
            )));
        }
        out.push(Event {
            date,
            actor: get(a),
            what: get(m),
        });
    }
    Ok(out)
}

/// (year, month) of `YYYY-MM` or `YYYY-MM-DD`; month 0 for a date of a year only (`YYYY`).
fn parse_date(s: &str) -> Option<(i64, i64)> {
    let mut parts = s.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let Some(m) = parts.next() else {
        return Some((y, 0));
    };
    let m: i64 = m.parse().ok()?;
    if let Some(d) = parts.next() {
        let d: i64 = d.parse().ok()?;
        if !(1..=31).contains(&d) {
            return None;
        }
    }
    (parts.next().is_none() && (1..=12).contains(&m)).then_some((y, m))
}

/// Months since year 0 of a valid date (January for a year alone).
fn month_of_date(s: &str) -> i64 {
    parse_date(s).map_or(0, |(y, m)| y * 12 + m.max(1))
}

/// The event a reference names, which must be dated to the month (an interval is counted in
/// months).
fn find_month(rows: &[Event], r: &Spanned<String>, start: i64, end: i64) -> Result<Event, Problem> {
    let e = find(rows, r, start, end)?;
    if parse_date(&e.date).is_some_and(|(_, m)| m == 0) {
        return Err(Problem::at(
            r.span(),
            format!(
                "{} is dated to the year only; an interval needs events dated to the month",
                e.date
            ),
        ));
    }
    Ok(e)
}

fn month_of(s: &Spanned<String>) -> Result<i64, Problem> {
    parse_date(s.get_ref())
        .filter(|(_, m)| *m > 0)
        .map(|(y, m)| y * 12 + m)
        .ok_or_else(|| {
            Problem::at(
                s.span(),
                format!("'{}' is not YYYY-MM or YYYY-MM-DD", s.get_ref()),
            )
        })
}

/// The event a reference names: `DATE`, or `DATE | TEXT` when several events share the date
/// (TEXT a part of the move's description); it must fall within the record.
fn find(rows: &[Event], r: &Spanned<String>, start: i64, end: i64) -> Result<Event, Problem> {
    let e = find_any(rows, r)?;
    let m = month_of_date(&e.date);
    if m < start || m > end {
        return Err(Problem::at(
            r.span(),
            format!("{} is outside the record", e.date),
        ));
    }
    Ok(e)
}

/// The event a reference names, wherever it falls.
fn find_any(rows: &[Event], r: &Spanned<String>) -> Result<Event, Problem> {
    let text = r.get_ref();
    let (date, part) = match text.split_once('|') {
        Some((d, p)) => (d.trim(), Some(p.trim())),
        None => (text.trim(), None),
    };
    let hits: Vec<&Event> = rows
        .iter()
        .filter(|e| e.date == date && part.is_none_or(|p| e.what.contains(p)))
        .collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Problem::at(
            r.span(),
            format!(
                "no event of the events file matches '{text}' (DATE, or DATE | part of the move)"
            ),
        )),
        _ => Err(Problem::at(
            r.span(),
            format!(
                "{} events match '{text}'; add a part of the move to choose one: {}",
                hits.len(),
                hits.iter()
                    .map(|e| format!("'{}'", e.what))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENTS: &str = "date,actor,move,category\n\
        1994-10-21,joint,Agreed Framework,denuclearization\n\
        1996,US,A year-only event,peace\n\
        2002-12-27,DPRK,Expels IAEA inspectors,denuclearization\n\
        2007-02-13,joint,Initial Actions,denuclearization\n\
        2007-07-14,DPRK,Shuts down Yongbyon,denuclearization\n\
        2007-07-14,US,Something else,peace\n\
        2009-04-14,DPRK,Expels monitors,denuclearization\n\
        2030-01,DPRK,A future event,peace\n";

    fn spec(stats: &str) -> String {
        format!("events = \"e.csv\"\nstart = \"1991-01\"\nend = \"2023-12\"\n{stats}")
    }

    #[test]
    fn statistics_count_the_events_they_name() {
        let s = spec(
            r#"
[[statistic]]
metric = "agreements"
what = "Agreements formed"
count = ["1994-10-21", "2007-02-13"]

[[statistic]]
metric = "months:verified_freeze"
what = "Months of freeze"
months = [["1994-10-21", "2002-12-27"], ["2007-07-14 | Yongbyon", "2009-04-14"]]

[[statistic]]
metric = "outcome:agreement"
what = "In force at the end"
in_force_at_end = [["1994-10-21", "2002-12-27"]]

[[statistic]]
metric = "outcome:agreement"
what = "Open at the end"
in_force_at_end = [["2007-02-13", "2030-01"]]

[[statistic]]
metric = "agreement_lifetime"
what = "Mean months in force"
mean_months = [["1994-10-21", "2002-12-27"], ["2007-02-13", "2009-04-14"]]
fit = false
"#,
        );
        let r = compute(&s, EVENTS).unwrap();
        let v: Vec<f64> = r.statistics.iter().map(|s| s.value).collect();
        assert_eq!(v, [2.0, 98.0 + 21.0, 0.0, 1.0, (98.0 + 26.0) / 2.0]);
        let fitted: Vec<bool> = r.statistics.iter().map(|s| s.fitted).collect();
        assert_eq!(fitted, [true, true, true, true, false]);
        assert_eq!(
            r.statistics[0].events[0],
            "1994-10-21 joint: Agreed Framework"
        );
        assert_eq!(r.statistics[1].events.len(), 4);
    }

    #[test]
    fn a_reference_names_one_event_in_the_record() {
        for (stats, want) in [
            ("count = [\"2007-07-14\"]", "2 events match"),
            ("count = [\"2007-07-15\"]", "no event"),
            ("count = [\"2030-01\"]", "outside the record"),
            (
                "months = [[\"2002-12-27\", \"1994-10-21\"]]",
                "comes before its first",
            ),
            ("count = []\nmonths = []", "exactly one of"),
            ("mean_months = []", "at least one interval"),
            (
                "months = [[\"1996\", \"2002-12-27\"]]",
                "dated to the year only",
            ),
        ] {
            let s = spec(&format!(
                "[[statistic]]\nmetric = \"m\"\nwhat = \"w\"\n{stats}\n"
            ));
            let e = compute(&s, EVENTS).unwrap_err();
            assert!(e.message.contains(want), "{stats}: {e:?}");
        }
        let e = compute(&spec("[[statistic]]\nmetric = \"m\"\n"), EVENTS).unwrap_err();
        assert!(
            e.message.contains("missing field `what`") && e.at.is_some(),
            "{e:?}"
        );
    }
}
