//! Step 6 of the month: both sides choose at once, from the same state. Each side's strategy
//! proposes (and so does the strategy its other type would play, if that differs); then its
//! conduct chooses which proposed steps it takes and whether it takes a standing step back
//! (`model::conduct`), each with the probability its type gives the choice.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{Choice, Run, TakeBack};
use crate::model::conduct::{self, Take, Withdraw};
use crate::model::{ActorIx, MoveIx, MoveSet};
use crate::strategies::{Intent, View};

impl Run<'_> {
    /// Step 6: both sides choose at once, from the same state.
    pub(super) fn decide(&mut self, t: u32, rng: &mut ChaCha8Rng) {
        for i in 0..2 {
            if t < self.sides[i].review_until {
                self.hold(i);
                continue;
            }
            self.propose(t, i, rng);
            self.choose_steps(t, i, rng);
            self.choose_withdrawal(t, i, rng);
        }
    }

    /// Side i's new government is reviewing policy: it does nothing this month (no steps,
    /// offers, pressure or take-backs), and so faces no choice the other could learn from.
    fn hold(&mut self, i: ActorIx) {
        self.ws.intents[i].clear();
        self.ws.bundles[i].clear();
        self.ws.withdrawal[i] = None;
        self.ws.revealed[i] = false;
    }

    /// Side i's strategy proposes this month's intents; so does its shadow (the other type's
    /// strategy), on a copy of the same draws.
    fn propose(&mut self, t: u32, i: ActorIx, rng: &mut ChaCha8Rng) {
        let Run {
            ws,
            board,
            sides,
            prep,
            ..
        } = self;
        let (mine, theirs) = match sides {
            [a, b] if i == 0 => (a, &*b),
            [a, b] => (b, &*a),
        };
        let v = View::new(
            i,
            t,
            board,
            &mine.state,
            theirs.offer.as_ref(),
            &ws.since,
            &prep.rules,
        );
        ws.shadow_intents.clear();
        if let Some((_, shadow)) = &mut mine.shadow {
            shadow.decide(&v, &mut rng.clone(), &mut ws.shadow_intents);
        }
        ws.intents[i].clear();
        mine.strategy.decide(&v, rng, &mut ws.intents[i]);
    }

    /// Side i's proposed steps become choices: the steps an offered package demands are one
    /// choice (accepted or refused whole), every other step its own. Each is taken with the
    /// probability the side's type gives it.
    fn choose_steps(&mut self, t: u32, i: ActorIx, rng: &mut ChaCha8Rng) {
        let shadow = self.sides[i].shadow.is_some();
        self.ws.revealed[i] = shadow && !same_acts(&self.ws.intents[i], &self.ws.shadow_intents);
        self.ws.bundles[i].clear();
        let steps = has_steps(&self.ws.intents[i]);
        if !(steps || shadow && has_steps(&self.ws.shadow_intents)) {
            return;
        }
        let mut bundles = std::mem::take(&mut self.ws.bundles[i]);
        let actual = self.type_of(i);
        let mine = self.group(t, i, &self.ws.intents[i]);
        let theirs = if shadow {
            self.group(t, i, &self.ws.shadow_intents)
        } else {
            Grouped::default()
        };
        let mut proposed = |moves: MoveSet, by: [bool; 2]| {
            let p = self.take_probabilities(i, moves);
            bundles.push(Choice {
                moves,
                p: [0, 1].map(|k| if by[k] { p[k] } else { 0.0 }),
                taken: false,
            });
        };
        for b in mine.iter() {
            let both = !shadow || theirs.has(b);
            proposed(b, [both || actual == 0, both || actual == 1]);
        }
        for b in theirs.iter().filter(|&b| !mine.has(b)) {
            proposed(b, [actual == 1, actual == 0]);
        }
        for b in bundles.iter_mut() {
            b.taken = b.p[actual] > 0.0 && rng.random::<f64>() < b.p[actual];
        }
        if steps {
            self.ws.intents[i].retain(|x| !matches!(x, Intent::Make(_)));
        }
        self.ws.bundles[i] = bundles;
    }

    /// The steps of a list of intents side i could make now, grouped into choices.
    fn group(&self, t: u32, i: ActorIx, intents: &[Intent]) -> Grouped {
        if !has_steps(intents) {
            return Grouped::default();
        }
        let v = self.view(i, t);
        let package = v
            .their_offer
            .filter(|o| o.package)
            .map_or(MoveSet::EMPTY, |o| o.demand);
        let steps: MoveSet = intents
            .iter()
            .filter_map(|x| match x {
                Intent::Make(m) => Some(*m),
                _ => None,
            })
            .collect();
        let whole = steps.intersect(package);
        Grouped {
            whole: whole
                .iter()
                .filter(|&m| v.available_with(m, whole))
                .collect(),
            singles: steps
                .minus(package)
                .iter()
                .filter(|&m| v.available(m))
                .collect(),
        }
    }

    /// Both types' probabilities of side i taking the steps `moves` (see [`Take`]).
    fn take_probabilities(&self, i: ActorIx, moves: MoveSet) -> [f64; 2] {
        let x = self.take_state(i, moves);
        self.prep
            .conduct
            .take_with(&x, self.sc.actors[i].discretion)
    }

    /// What side i weighs in taking the steps `moves`: what it expects in return (the other's
    /// side of an offer that demands them, its own offer's demand if it gives them, otherwise
    /// what the other just gave) and how much of that the other has already delivered, their
    /// cost and sunk stake, and its trust and pressure.
    fn take_state(&self, i: ActorIx, moves: MoveSet) -> Take {
        let mv = &self.arm.moves;
        let cost = |s: MoveSet| s.iter().map(|m| mv[m].cost).sum::<f64>();
        let value = |s: MoveSet| s.iter().map(|m| mv[m].value).sum::<f64>();
        let (me, other) = (&self.sides[i], &self.sides[1 - i]);
        let seen = me.state.seen.value;
        let c = cost(moves);
        let share = |part: MoveSet, of: MoveSet| {
            let whole = cost(of);
            if whole > 0.0 { cost(part) / whole } else { 1.0 }
        };
        let delivered = self.delivered_set();
        let (value, secured, reciprocated) = match (&other.offer, &me.offer) {
            (Some(o), _) if !o.demand.intersect(moves).is_empty() => {
                let k = share(o.demand.intersect(moves), o.demand);
                let secured = o.give.intersect(delivered);
                (
                    value(o.give) * k,
                    value(secured) * k,
                    !secured.is_empty() || seen > 0.0,
                )
            }
            (_, Some(o)) if !o.give.intersect(moves).is_empty() => {
                let k = share(o.give.intersect(moves), o.give);
                let secured = o.demand.intersect(delivered);
                (value(o.demand) * k, value(secured) * k, seen > 0.0)
            }
            _ => (seen, 0.0, seen > 0.0),
        };
        Take {
            trust: me.state.trust,
            value,
            secured,
            cost: c,
            sunk: moves
                .iter()
                .map(|m| mv[m].cost * mv[m].irreversibility)
                .sum(),
            reciprocated,
            pressure: me.felt_pressure,
            held: self.derived.given[1 - i].1,
        }
    }

    /// Side i weighs taking back one standing step: of its revocable conciliatory steps in
    /// force that its strategy is not already revoking, the costliest (the latest on a tie).
    fn choose_withdrawal(&mut self, t: u32, i: ActorIx, rng: &mut ChaCha8Rng) {
        self.ws.withdrawal[i] = None;
        let Some(m) = self.withdrawal_candidate(t, i) else {
            return;
        };
        let s = &self.sides[i].state;
        let x = Withdraw {
            trust: s.trust,
            cost: self.arm.moves[m].cost,
            unreciprocated: s.unreciprocated,
            reciprocated: s.seen.value > 0.0,
            held: self.derived.given[1 - i].1,
        };
        let p = self
            .prep
            .conduct
            .withdraw_with(&x, self.sc.actors[i].discretion);
        let taken = rng.random::<f64>() < p[self.type_of(i)];
        self.ws.withdrawal[i] = Some(Choice {
            moves: MoveSet::single(m),
            p,
            taken,
        });
    }

    /// The standing step side i would weigh taking back this month, if any: of its steps in
    /// force past their reversal lag, not locked and not being revoked by its strategy, the
    /// costliest, and of equally costly ones the latest made (the highest index on a tie).
    /// The answer is kept ([`TakeBack`]) while the same steps are eligible and none of them
    /// passes its reversal lag.
    fn withdrawal_candidate(&mut self, t: u32, i: ActorIx) -> Option<MoveIx> {
        let f = &self.prep.facts;
        let mut eligible = self
            .board
            .in_force
            .intersect(f.revocable_set[i])
            .minus(self.sides[i].locked);
        if eligible.is_empty() {
            return None;
        }
        for x in &self.ws.intents[i] {
            if let Intent::Revoke(m) = x {
                eligible.remove(*m);
            }
        }
        if let Some(k) = self.sides[i].take_back
            && k.eligible == eligible
            && t < k.until
        {
            // Every test run in a debug build checks the kept answer against a fresh search.
            debug_assert_eq!(k.candidate, self.find_candidate(t, i, eligible).candidate);
            return k.candidate;
        }
        let k = self.find_candidate(t, i, eligible);
        self.sides[i].take_back = Some(k);
        k.candidate
    }

    /// The take-back candidate among the `eligible` steps of side i in month t, and the first
    /// later month in which another of them passes its reversal lag.
    fn find_candidate(&self, t: u32, i: ActorIx, eligible: MoveSet) -> TakeBack {
        let f = &self.prep.facts;
        let since = &self.ws.since;
        let mut best: Option<(MoveIx, f64)> = None;
        // Costliest first: the first cost with an eligible step decides.
        for &(m, cost, lag) in &f.revocable[i] {
            match best {
                Some((_, c)) if cost.total_cmp(&c).is_ne() => break,
                _ => {}
            }
            if !eligible.contains(m) || t < since[m].saturating_add(lag) {
                continue;
            }
            if best.is_none_or(|(b, _)| (since[m], m) > (since[b], b)) {
                best = Some((m, cost));
            }
        }
        let until = f.revocable[i]
            .iter()
            .filter(|&&(m, _, _)| eligible.contains(m))
            .map(|&(m, _, lag)| since[m].saturating_add(lag))
            .filter(|&e| e > t)
            .min()
            .unwrap_or(u32::MAX);
        TakeBack {
            eligible,
            until,
            candidate: best.map(|(m, _)| m),
        }
    }

    /// Side i's type as an index of the conduct weights.
    pub(super) fn type_of(&self, i: ActorIx) -> usize {
        if self.sides[i].state.sincere {
            conduct::S
        } else {
            conduct::G
        }
    }
}

/// Proposed steps grouped into choices: the steps of a demanded package (one choice, if any),
/// then every other step on its own.
#[derive(Debug, Clone, Copy, Default)]
struct Grouped {
    whole: MoveSet,
    singles: MoveSet,
}

impl Grouped {
    /// The choices, the package first.
    fn iter(self) -> impl Iterator<Item = MoveSet> {
        std::iter::once(self.whole)
            .filter(|w| !w.is_empty())
            .chain(self.singles.iter().map(MoveSet::single))
    }

    /// Whether `b` is one of the choices.
    fn has(self, b: MoveSet) -> bool {
        (!b.is_empty() && b == self.whole) || (b.len() == 1 && self.singles.contains_all(b))
    }
}

/// A list of intents proposes a step.
fn has_steps(intents: &[Intent]) -> bool {
    intents.iter().any(|x| matches!(x, Intent::Make(_)))
}

/// Two lists of intents agree in everything but steps (what an observer sees of them).
fn same_acts(a: &[Intent], b: &[Intent]) -> bool {
    let step = |x: &&Intent| matches!(x, Intent::Make(_));
    a.iter()
        .filter(|x| !step(x))
        .eq(b.iter().filter(|x| !step(x)))
}
