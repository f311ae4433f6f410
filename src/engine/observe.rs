//! Steps 2 to 4 of the month: each side observes the other's acts (last month's, and this
//! month's shocks) with misperception, updates its trust, and tension and pressure follow.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::{Act, Event, Recorder, Run};
use crate::model::{ActorIx, Move, MoveIx, tension};
use crate::strategies::Seen;

impl Run<'_> {
    /// Steps 2 to 4: each side observes the other's acts with misperception, then trust and
    /// tension are updated.
    pub(super) fn observe(&mut self, t: u32, rng: &mut ChaCha8Rng, rec: &mut impl Recorder) {
        // Shocks may have ended standing moves this month.
        self.derive();
        let p = &self.arm.params;
        let eps = tension::misperception(self.board.tension, p);
        let mut severity_total = 0.0;
        let mut value_total = 0.0;
        for i in 0..2 {
            let (severity, value) = self.observe_side(t, i, eps, rng, rec);
            severity_total += severity;
            value_total += value;
        }
        self.board.tension = tension::update(self.board.tension, severity_total, value_total, p);
        self.set_pressures();
    }

    /// Side i observes the other's acts, each misperceived at the rate `eps` (a quiet month
    /// may be misread as hostile), and updates its trust; returns the severity and the value
    /// it saw.
    fn observe_side(
        &mut self,
        t: u32,
        i: ActorIx,
        eps: f64,
        rng: &mut ChaCha8Rng,
        rec: &mut impl Recorder,
    ) -> (f64, f64) {
        let j = 1 - i;
        let p = &self.arm.params;
        let moves = &self.arm.moves;
        // Written in place: the view of the decisions reads it.
        let seen = &mut self.sides[i].state.seen;
        *seen = Seen::default();
        let mut o = Observation {
            seen,
            good: 0.0,
            bad: 0.0,
        };
        for &act in &self.ws.acts[j] {
            let u = rng.random::<f64>();
            let (m, misperceived, as_hostile) = perceive(moves, act, u, eps);
            perceived(rec, t, i, Some(m), misperceived, as_hostile);
            match act {
                Act::Made(_) if !misperceived => o.conciliatory(m, &moves[m]),
                Act::Hostile(_, response) if as_hostile => o.hostile(&moves[m], response),
                Act::Revoked(_) => o.reneged(self.prep.ln_renege, p.renege_severity),
                _ => {}
            }
        }
        if self.ws.acts[j].is_empty() {
            // A quiet month may be misread as hostile.
            let u = rng.random::<f64>();
            if u < eps {
                perceived(rec, t, i, None, true, true);
                o.misread(self.prep.ln_misread, p.misread_severity);
            }
        }
        // Standing moves of the other, verified and kept, keep informing (every move in
        // force now was made in an earlier month: this month's moves come later).
        let good = o.good + self.derived.standing_lr[j];
        let (bad, severity, value) = (o.bad, o.seen.severity, o.seen.value);
        let s = &mut self.sides[i];
        s.felt_pressure = self.prep.conduct.accumulate(s.felt_pressure, severity);
        self.update_trust(t, i, good, bad, rec);
        (severity, value)
    }

    /// Side i's trust after the month's evidence, `good` and `bad` (log-likelihood ratios):
    /// the belief's update, with forgetting toward the initial trust and negativity.
    fn update_trust(&mut self, t: u32, i: ActorIx, good: f64, bad: f64, rec: &mut impl Recorder) {
        let before = self.sides[i].l;
        let l = self.prep.belief.apply(before, self.sides[i].l0, good, bad);
        rec.event(
            t,
            &Event::TrustUpdate {
                observer: i,
                forgetting: self.prep.belief.forgetting * (self.sides[i].l0 - before),
                good,
                bad: self.prep.belief.negativity * bad,
            },
        );
        self.set_trust(i, l);
    }
}

/// How an act of the other side is perceived with the draw `u`: the move, whether it is
/// misperceived, and whether it is taken as hostile. A conciliatory move goes unnoticed at
/// the rate `eps`; a hostile act is taken as hostile at its move's rate; a revocation is always
/// seen for what it is.
fn perceive(moves: &[Move], act: Act, u: f64, eps: f64) -> (MoveIx, bool, bool) {
    match act {
        Act::Made(m) => (m, u < eps, false),
        Act::Hostile(m, _) => {
            let ph = moves[m]
                .hostile
                .as_ref()
                .map_or(1.0, |h| h.perceived_hostile);
            let as_hostile = u < ph;
            (m, !as_hostile, as_hostile)
        }
        Act::Revoked(m) => (m, false, true),
    }
}

/// Record what `observer` perceived: move `mv`, or a quiet month if `None`.
fn perceived(
    rec: &mut impl Recorder,
    t: u32,
    observer: ActorIx,
    mv: Option<MoveIx>,
    misperceived: bool,
    as_hostile: bool,
) {
    let e = Event::Perceived {
        observer,
        mv,
        misperceived,
        as_hostile,
    };
    rec.event(t, &e);
}

/// What a side takes in during a month: the evidence on the other's type, in log-likelihood
/// ratios for (`good`) and against (`bad`) its sincerity, and what it saw.
struct Observation<'s> {
    seen: &'s mut Seen,
    good: f64,
    bad: f64,
}

impl Observation<'_> {
    /// A conciliatory move perceived as such.
    fn conciliatory(&mut self, m: MoveIx, mv: &Move) {
        self.good += mv.log_lr;
        self.seen.value += mv.value;
        self.seen.conciliatory.insert(m);
    }

    /// A hostile act perceived as such; `response` if it answered one of the observer's.
    fn hostile(&mut self, mv: &Move, response: bool) {
        let sev = mv.hostile.as_ref().map_or(0.0, |h| h.severity);
        self.bad += mv.log_lr;
        self.seen.severity += sev;
        self.seen.hostile = true;
        if !response {
            self.seen.provocation += sev;
        }
    }

    /// A standing move revoked: a renege.
    fn reneged(&mut self, ln_lr: f64, severity: f64) {
        self.bad += ln_lr;
        self.seen.severity += severity;
        self.seen.reneged = true;
    }

    /// A quiet month misread as hostile.
    fn misread(&mut self, ln_lr: f64, severity: f64) {
        self.bad += ln_lr;
        self.seen.severity += severity;
        self.seen.hostile = true;
        self.seen.provocation += severity;
    }
}
