//! A single run told month by month in plain English (`detente replay`), or as a tidy event log
//! (`--format csv`): who moved, what the other side perceived, how trust and tension changed,
//! shocks, reneges, agreements formed and broken, and the outcome. Quiet months are folded.

use std::fmt::Write;

use super::{csv_bytes, num};
use crate::engine::{Event, Keep, MonthRecord, RunRecord, TrackReason};
use crate::model::{Arm, Scenario};

fn pct(x: f64) -> String {
    format!("{x:.2}")
}

/// One event as words, or `None` for events told elsewhere.
fn describe(sc: &Scenario, arm: &Arm, e: &Event) -> Option<String> {
    let who = |i: usize| sc.actors[i].label.as_str();
    let mv = |m: usize| arm.moves[m].label.as_str();
    Some(match *e {
        Event::Made { actor, mv: m } => format!("{} makes a step: {}.", who(actor), mv(m)),
        Event::Track { .. } | Event::Stance { .. } => describe_third_party(sc, e)?,
        Event::Slipped { actor, mv: m } => {
            format!("{}'s planned step slips: {}.", who(actor), mv(m))
        }
        Event::Revoked { actor, mv: m } => {
            format!("{} ends a standing step: {}.", who(actor), mv(m))
        }
        Event::Hostile {
            actor,
            mv: m,
            shock,
        } => {
            if shock {
                format!("Shock: {} ({}).", mv(m), who(actor))
            } else {
                format!("{} answers or presses: {}.", who(actor), mv(m))
            }
        }
        Event::Absorbed { actor, mv: m } => {
            format!(
                "A spoiler ({}, {}) is absorbed by the inclusive process.",
                mv(m),
                who(actor)
            )
        }
        Event::Reneged { actor, mv: m } => {
            format!(
                "{} misses a deadline it could have met: {} (a renege).",
                who(actor),
                mv(m)
            )
        }
        Event::Perceived { .. } | Event::TrustUpdate { .. } => describe_reading(sc, arm, e)?,
        Event::Offered { actor } => format!("{} puts an offer on the table.", who(actor)),
        Event::Flipped { actor, strategy } => format!(
            "A new {} administration changes course: it plays {}.",
            who(actor),
            sc.strategies[strategy].id
        ),
        Event::NewLeader { actor, sincere } => format!(
            "{} has a new leader ({}).",
            who(actor),
            if sincere { "sincere" } else { "exploitative" }
        ),
        Event::AgreementFormed => "An agreement is in force.".to_string(),
        Event::AgreementCollapsed => "The agreement collapses.".to_string(),
        Event::FreezeFormed => "A verified freeze is in force.".to_string(),
        Event::FreezeCollapsed => "The freeze collapses.".to_string(),
        Event::War => "War breaks out.".to_string(),
    })
}

/// A third party's event (its track of steps, or its stance) as words, if any.
fn describe_third_party(sc: &Scenario, e: &Event) -> Option<String> {
    let tp = sc.third_party.as_ref()?;
    Some(match *e {
        Event::Track {
            mv: k,
            made,
            reason,
        } => {
            let step = tp.moves.get(k)?.label.as_str();
            let partner = sc.actors[tp.partner].label.as_str();
            match (made, reason) {
                (true, _) => format!(
                    "{} and {partner} take a step of their own: {step}.",
                    tp.label
                ),
                (false, TrackReason::Walkout) => format!("{partner} walks out of {step}."),
                (false, TrackReason::Ally) => format!(
                    "{step} stops: {} withholds the exemption it needs.",
                    sc.actors[tp.ally].label
                ),
                (false, _) => format!("{step} ends under the new {} government.", tp.label),
            }
        }
        Event::Stance { engager } => {
            if engager {
                format!("A new {} government seeks engagement.", tp.label)
            } else {
                format!("A new {} government takes a hard line.", tp.label)
            }
        }
        _ => return None,
    })
}

/// A misperception, or a noticeable move in trust, as words; `None` if not worth telling.
fn describe_reading(sc: &Scenario, arm: &Arm, e: &Event) -> Option<String> {
    let who = |i: usize| sc.actors[i].label.as_str();
    let mv = |m: usize| arm.moves[m].label.as_str();
    Some(match *e {
        Event::Perceived {
            observer,
            mv: m,
            misperceived,
            as_hostile,
        } => match (m, misperceived, as_hostile) {
            (None, _, _) => format!("{} misreads a quiet month as hostile.", who(observer)),
            (Some(m), true, true) => {
                format!("{} misperceives {} as hostile.", who(observer), mv(m))
            }
            (Some(m), true, false) => format!(
                "{} does not notice {} (misperceived as neutral).",
                who(observer),
                mv(m)
            ),
            _ => return None,
        },
        Event::TrustUpdate {
            observer,
            forgetting,
            good,
            bad,
        } => {
            // Told only when the evidence moved trust noticeably.
            if good.abs() < 0.05 && bad.abs() < 0.05 {
                return None;
            }
            format!(
                "{}'s trust moves by {:+.2} in log-odds: {:+.2} from steps seen, {:+.2} from hostile acts, {:+.2} from forgetting.",
                who(observer),
                forgetting + good - bad,
                good,
                -bad,
                forgetting
            )
        }
        _ => return None,
    })
}

fn change(sc: &Scenario, before: &MonthRecord, after: &MonthRecord) -> String {
    let (a, b) = (&sc.actors[0].id, &sc.actors[1].id);
    format!(
        "trust {a}->{b} {} -> {}, {b}->{a} {} -> {}; tension {} -> {}",
        pct(before.trust[0]),
        pct(after.trust[0]),
        pct(before.trust[1]),
        pct(after.trust[1]),
        pct(before.tension),
        pct(after.tension)
    )
}

/// The narrated run.
pub fn text(sc: &Scenario, arm: &Arm, run: u64, seed: u64, k: &Keep, rec: &RunRecord) -> String {
    let mut s = String::new();
    let types = |i: usize| {
        if rec.sincere[i] {
            "sincere (S)"
        } else {
            "exploitative (G)"
        }
    };
    let _ = writeln!(
        s,
        "{} - arm {} ({}), run {run}, seed {seed}",
        sc.name, arm.id, arm.label
    );
    let _ = writeln!(
        s,
        "Hidden types: {} is {}, {} is {}.",
        sc.actors[0].label,
        types(0),
        sc.actors[1].label,
        types(1)
    );
    let m0 = &k.months[0];
    let _ = writeln!(
        s,
        "Month 0: trust {} in {} {}, {} in {} {}; tension {}; {} {}.",
        sc.actors[0].label,
        sc.actors[1].label,
        pct(m0.trust[0]),
        sc.actors[1].label,
        sc.actors[0].label,
        pct(m0.trust[1]),
        pct(m0.tension),
        m0.stock.round(),
        sc.stock.unit
    );
    s.push_str(&months(sc, arm, k, rec.end_month));
    let _ = writeln!(
        s,
        "Outcome: {} at month {}; {} {}; final trust {} and {}; cumulative war risk {:.1}%.",
        rec.outcome.name().replace('_', " "),
        rec.end_month,
        rec.final_stock.round(),
        sc.stock.unit,
        pct(rec.final_trust[0]),
        pct(rec.final_trust[1]),
        100.0 * rec.war_risk
    );
    s
}

/// Month `t` of a kept run as sentences, in the order its events happened, each marked true
/// if it is what a side read into the other's moves (a misperception, a noticeable move in
/// trust) rather than something done (moves, shocks, agreements).
pub fn month_lines(sc: &Scenario, arm: &Arm, k: &Keep, t: u32) -> Vec<(bool, String)> {
    k.events
        .iter()
        .filter(|(m, _)| *m == t)
        .filter_map(|(_, e)| {
            let reading = matches!(e, Event::Perceived { .. } | Event::TrustUpdate { .. });
            describe(sc, arm, e).map(|line| (reading, line))
        })
        .collect()
}

/// Months 1 to `last` told one a line, each stretch of quiet months folded into one line.
fn months(sc: &Scenario, arm: &Arm, k: &Keep, last: u32) -> String {
    let mut s = String::new();
    let mut quiet_from: Option<u32> = None;
    for t in 1..=last {
        let lines: Vec<String> = month_lines(sc, arm, k, t)
            .into_iter()
            .map(|(_, line)| line)
            .collect();
        let (before, after) = (&k.months[t as usize - 1], &k.months[t as usize]);
        if lines.is_empty() && t != last {
            quiet_from.get_or_insert(t);
            continue;
        }
        if let Some(q) = quiet_from.take() {
            let qb = &k.months[q as usize - 1];
            let qa = &k.months[t as usize - 1];
            let span = if q + 1 == t {
                format!("Month {q}")
            } else {
                format!("Months {q}-{}", t - 1)
            };
            let _ = writeln!(s, "{span}: quiet; {}.", change(sc, qb, qa));
        }
        let _ = writeln!(
            s,
            "Month {t}: {} ({}.)",
            lines.join(" "),
            change(sc, before, after)
        );
    }
    s
}

/// The same run as a tidy event log.
pub fn csv(sc: &Scenario, arm: &Arm, k: &Keep) -> Vec<u8> {
    let header = [
        "month",
        "actor",
        "event",
        "move",
        "perceived_as",
        "trust_before",
        "trust_after",
        "tension",
    ];
    let mut rows = Vec::new();
    for (t, e) in &k.events {
        let (before, after) = (&k.months[*t as usize - 1], &k.months[*t as usize]);
        let Some(row) = EventRow::of(sc, arm, e) else {
            continue;
        };
        // Trust is the acting or perceiving side's trust in the other.
        let (tb, ta) = row.side.map_or((String::new(), String::new()), |i| {
            (num(before.trust[i]), num(after.trust[i]))
        });
        rows.push(vec![
            t.to_string(),
            row.actor,
            row.event.to_string(),
            row.mv,
            row.perceived_as,
            tb,
            ta,
            num(after.tension),
        ]);
    }
    csv_bytes(&header, rows)
}

/// An event's columns in the event log, before the month, trust and tension are added.
struct EventRow {
    actor: String,
    event: &'static str,
    mv: String,
    perceived_as: String,
    /// The side whose trust the row shows (the acting or perceiving side), if any.
    side: Option<usize>,
}

impl EventRow {
    /// The row of an event, or `None` for events the log leaves out (trust updates).
    fn of(sc: &Scenario, arm: &Arm, e: &Event) -> Option<Self> {
        let m = |x: usize| arm.moves[x].id.clone();
        let by = |actor: usize, event: &'static str, mv: String| Self::by(sc, actor, event, mv);
        Some(match *e {
            Event::Made { actor, mv: x } => by(actor, "made", m(x)),
            Event::Track { .. } | Event::Stance { .. } => Self::third_party(sc, e)?,
            Event::Slipped { actor, mv: x } => by(actor, "slipped", m(x)),
            Event::Revoked { actor, mv: x } => by(actor, "revoked", m(x)),
            Event::Hostile {
                actor,
                mv: x,
                shock,
            } => by(actor, if shock { "shock" } else { "hostile" }, m(x)),
            Event::Absorbed { actor, mv: x } => by(actor, "absorbed", m(x)),
            Event::Reneged { actor, mv: x } => by(actor, "reneged", m(x)),
            Event::Perceived {
                observer,
                mv: x,
                misperceived,
                as_hostile,
            } => Self {
                perceived_as: if as_hostile {
                    "hostile"
                } else if misperceived {
                    "neutral"
                } else {
                    "conciliatory"
                }
                .to_string(),
                ..by(
                    observer,
                    if misperceived {
                        "misperceived"
                    } else {
                        "perceived"
                    },
                    x.map(m).unwrap_or_default(),
                )
            },
            Event::Offered { actor } => by(actor, "offered", String::new()),
            Event::Flipped { actor, .. } => by(actor, "administration_flip", String::new()),
            Event::NewLeader { actor, .. } => by(actor, "new_leader", String::new()),
            Event::AgreementFormed => Self::process("agreement_formed"),
            Event::AgreementCollapsed => Self::process("agreement_collapsed"),
            Event::FreezeFormed => Self::process("freeze_formed"),
            Event::FreezeCollapsed => Self::process("freeze_collapsed"),
            Event::War => Self::process("war"),
            Event::TrustUpdate { .. } => return None,
        })
    }

    /// The row of a negotiating side's event, showing that side's trust.
    fn by(sc: &Scenario, actor: usize, event: &'static str, mv: String) -> Self {
        Self {
            actor: sc.actors[actor].id.clone(),
            event,
            mv,
            perceived_as: String::new(),
            side: Some(actor),
        }
    }

    /// The row of an event of the whole process: no actor, move or trust.
    fn process(event: &'static str) -> Self {
        Self {
            actor: String::new(),
            event,
            mv: String::new(),
            perceived_as: String::new(),
            side: None,
        }
    }

    /// The row of a third party's event (its track of steps, or its stance), if any.
    fn third_party(sc: &Scenario, e: &Event) -> Option<Self> {
        let tp = sc.third_party.as_ref()?;
        let (event, mv) = match *e {
            Event::Track {
                mv: x,
                made,
                reason,
            } => {
                let event = match (made, reason) {
                    (true, _) => "track_made",
                    (false, TrackReason::Walkout) => "track_walkout",
                    (false, TrackReason::Ally) => "track_blocked",
                    (false, _) => "track_ended",
                };
                let step = tp.moves.get(x).map(|s| s.id.clone()).unwrap_or_default();
                (event, step)
            }
            Event::Stance { engager } => {
                let event = if engager {
                    "stance_engager"
                } else {
                    "stance_hardliner"
                };
                (event, String::new())
            }
            _ => return None,
        };
        Some(Self {
            actor: tp.id.clone(),
            mv,
            ..Self::process(event)
        })
    }
}
