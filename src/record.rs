//! The real record as statistics a run can be compared with: a spec (a TOML file) names, for
//! each statistic, the events of dated events files it counts, and the statistic is computed
//! from those events, so every number says where it comes from. Pure: the caller reads the
//! files.

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
    /// The events files, relative to the spec.
    events: OneOrMany,
    start: Spanned<String>,
    end: Spanned<String>,
    statistic: Vec<RawStatistic>,
}

/// A file name, or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
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
    /// With `count`: the events counted that fall within these intervals (from the first
    /// event's day up to the second's), per year of the intervals.
    #[serde(default)]
    per_year_within: Option<Vec<[Spanned<String>; 2]>>,
    /// With `count`: the events counted that fall outside these intervals, per year of the
    /// record outside them.
    #[serde(default)]
    per_year_outside: Option<Vec<[Spanned<String>; 2]>>,
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

fn parse_spec(spec: &str) -> Result<RawSpec, Problem> {
    toml::from_str(spec).map_err(|e| Problem {
        at: e.span(),
        message: e.message().trim_end().to_string(),
    })
}

/// The events files named by a spec (relative to the spec's folder).
pub fn events_files(spec: &str) -> Result<Vec<String>, Problem> {
    Ok(match parse_spec(spec)?.events {
        OneOrMany::One(f) => vec![f],
        OneOrMany::Many(fs) => fs,
    })
}

/// Compute the record's statistics from the spec's text and the events files' names and
/// texts, in the spec's order.
pub fn compute(spec: &str, events: &[(String, String)]) -> Result<Record, Problem> {
    let raw = parse_spec(spec)?;
    let mut rows = Vec::new();
    for (name, text) in events {
        rows.extend(read_events(name, text)?);
    }
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
        let per_year = match (&s.per_year_within, &s.per_year_outside) {
            (Some(p), None) => Some((p, true)),
            (None, Some(p)) => Some((p, false)),
            (None, None) => None,
            _ => {
                return Err(Problem {
                    at: None,
                    message: format!(
                        "statistic '{}': give per_year_within or per_year_outside, not both",
                        s.metric
                    ),
                });
            }
        };
        let kinds = (
            &s.count,
            &s.months,
            &s.in_force_at_end,
            &s.mean_months,
            per_year,
        );
        let (value, used) = match kinds {
            (Some(list), None, None, None, Some((pairs, within))) => {
                rate(&rows, list, pairs, within, (start, end))?
            }
            (Some(list), None, None, None, None) => {
                let used = list.iter().map(find).collect::<Result<Vec<_>, _>>()?;
                (used.len() as f64, used)
            }
            (None, Some(pairs), None, None, None) => {
                let (total, used) = intervals(&rows, pairs, start, end)?;
                (total as f64, used)
            }
            (None, None, None, Some(pairs), None) => {
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
            (None, None, Some(pairs), None, None) => {
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
                        "statistic '{}': give exactly one of count, months, mean_months or in_force_at_end (per_year_within or per_year_outside only with count)",
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

/// The events of `count` that fall within the intervals (`within`) or outside them, per year
/// of the intervals or of the rest of the record; the events counted, then the intervals'.
fn rate(
    rows: &[Event],
    list: &[Spanned<String>],
    pairs: &[[Spanned<String>; 2]],
    within: bool,
    (start, end): (i64, i64),
) -> Result<(f64, Vec<Event>), Problem> {
    let (months, bounds) = intervals(rows, pairs, start, end)?;
    let spans: Vec<(Day, Day)> = bounds
        .chunks(2)
        .map(|b| (day_of(&b[0].date), day_of(&b[1].date)))
        .collect();
    let overlaps = |i: usize| {
        let (a, b) = spans[i];
        (0..spans.len()).any(|j| j != i && a < spans[j].1 && spans[j].0 < b)
    };
    if let Some(i) = (0..spans.len()).find(|&i| overlaps(i)) {
        return Err(Problem::at(
            pairs[i][0].span(),
            "the intervals overlap; a rate counts each month once",
        ));
    }
    let exposure = if within {
        months
    } else {
        end - start + 1 - months
    };
    if exposure <= 0 {
        return Err(Problem::at(
            pairs.first().map_or(0..0, |p| p[0].span()),
            "the months to count over are none",
        ));
    }
    let mut used = Vec::new();
    for r in list {
        let e = find(rows, r, start, end)?;
        let d = day_of(&e.date);
        let ambiguous = spans
            .iter()
            .any(|&(a, b)| d.2 == 0 && (same_month(d, a) || same_month(d, b)));
        if d.1 == 0 || ambiguous {
            return Err(Problem::at(
                r.span(),
                format!(
                    "{} is not dated to the day, and a rate must place it in or out of an interval that begins or ends that month",
                    e.date
                ),
            ));
        }
        if spans.iter().any(|&(a, b)| a <= d && d < b) == within {
            used.push(e);
        }
    }
    let value = used.len() as f64 * 12.0 / exposure as f64;
    used.extend(bounds);
    Ok((value, used))
}

/// A date as (year, month, day), 0 for a part it does not give.
type Day = (i64, i64, i64);

fn day_of(s: &str) -> Day {
    let (y, m) = parse_date(s).unwrap_or((0, 0));
    let d = s.splitn(3, '-').nth(2).and_then(|d| d.parse().ok());
    (y, m, d.unwrap_or(0))
}

fn same_month(a: Day, b: Day) -> bool {
    (a.0, a.1) == (b.0, b.1)
}

fn read_events(file: &str, text: &str) -> Result<Vec<Event>, Problem> {
    let bad = |m: String| Problem {
        at: None,
        message: m,
    };
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r
        .headers()
        .map_err(|e| bad(format!("{file}: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("{file}: no '{name}' column")))
    };
    let (d, a, m) = (col("date")?, col("actor")?, col("move")?);
    let mut out = Vec::new();
    for (i, row) in r.records().enumerate() {
        let row = row.map_err(|e| bad(format!("{file}: {e}")))?;
        let get = |k: usize| row.get(k).unwrap_or("").to_string();
        let date = get(d);
        if parse_date(&date).is_none() {
            return Err(bad(format!(
                "{file}, row {}: date '{date}' is not YYYY, YYYY-MM or YYYY-MM-DD",
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

    fn events() -> Vec<(String, String)> {
        vec![("e.csv".into(), EVENTS.into())]
    }

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
        let r = compute(&s, &events()).unwrap();
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
    fn a_rate_counts_events_in_or_out_of_intervals_per_year() {
        let tests = "date,actor,move\n\
            1998-08-31,DPRK,Launch A\n\
            2006-10-09,DPRK,Test B\n\
            2009-04-05,DPRK,Launch C\n\
            2009-05,DPRK,Test D\n\
            2009-04,DPRK,Test E\n";
        let files = [events(), vec![("t.csv".into(), tests.into())]].concat();
        let stat = |kind: &str, list: &str| {
            spec(&format!(
                "[[statistic]]\nmetric = \"m\"\nwhat = \"w\"\ncount = [{list}]\n{kind} = [[\"1994-10-21\", \"2002-12-27\"], [\"2007-02-13\", \"2009-04-14\"]]\n"
            ))
        };
        let list = r#""1998-08-31", "2006-10-09", "2009-04-05", "2009-05""#;
        let within = compute(&stat("per_year_within", list), &files).unwrap();
        let w = &within.statistics[0];
        assert_eq!(w.value, 2.0 * 12.0 / 124.0);
        assert_eq!(
            w.events[..2],
            ["1998-08-31 DPRK: Launch A", "2009-04-05 DPRK: Launch C"]
        );
        assert_eq!(w.events.len(), 2 + 4);
        let outside = compute(&stat("per_year_outside", list), &files).unwrap();
        assert_eq!(outside.statistics[0].value, 2.0 * 12.0 / (396.0 - 124.0));
        let e = compute(&stat("per_year_within", r#""2009-04""#), &files).unwrap_err();
        assert!(e.message.contains("not dated to the day"), "{e:?}");
        let overlap = spec(
            "[[statistic]]\nmetric = \"m\"\nwhat = \"w\"\ncount = []\nper_year_within = [[\"1994-10-21\", \"2007-02-13\"], [\"2002-12-27\", \"2009-04-14\"]]\n",
        );
        let e = compute(&overlap, &files).unwrap_err();
        assert!(e.message.contains("overlap") && e.at.is_some(), "{e:?}");
        let both = spec(
            "[[statistic]]\nmetric = \"m\"\nwhat = \"w\"\ncount = []\nper_year_within = []\nper_year_outside = []\n",
        );
        assert!(
            compute(&both, &files)
                .unwrap_err()
                .message
                .contains("not both")
        );
        let alone = spec("[[statistic]]\nmetric = \"m\"\nwhat = \"w\"\nper_year_within = []\n");
        assert!(
            compute(&alone, &files)
                .unwrap_err()
                .message
                .contains("only with count")
        );
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
            let e = compute(&s, &events()).unwrap_err();
            assert!(e.message.contains(want), "{stats}: {e:?}");
        }
        let e = compute(&spec("[[statistic]]\nmetric = \"m\"\n"), &events()).unwrap_err();
        assert!(
            e.message.contains("missing field `what`") && e.at.is_some(),
            "{e:?}"
        );
    }
}
