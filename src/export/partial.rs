//! `aggregate.bin`: a shard's exact aggregates (integer moments, histogram counts, status
//! counts), so that `detente merge` can add shards into the aggregates of one big run, bit for
//! bit. A small versioned little-endian format; decoding checks every length against the
//! scenario and refuses anything else.

use crate::batch::Aggregate;
use crate::batch::game::GameAggregate;
use crate::batch::sketch::{KEYS, Sketch};
use crate::batch::stats::Moments;
use crate::model::Scenario;
use crate::scenario::game::GameScenario;

const MAGIC: &[u8; 8] = b"DTNTAGG4";
/// The formats before the draws of distributions (1) and the spreads over runs (2) were added.
const OLDER: [&[u8; 8]; 3] = [b"DTNTAGG1", b"DTNTAGG2", b"DTNTAGG3"];

struct Writer(Vec<u8>);

impl Writer {
    fn new(kind: u8, runs: u64) -> Self {
        let mut w = Writer(MAGIC.to_vec());
        w.0.push(kind);
        w.u64(runs);
        w
    }
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn moments(&mut self, v: &[Moments]) {
        self.u64(v.len() as u64);
        for m in v {
            self.u64(m.n);
            self.0.extend_from_slice(&m.sum.to_le_bytes());
            self.0.extend_from_slice(&m.sumsq.to_le_bytes());
        }
    }
    fn u32s(&mut self, v: &[u32]) {
        self.u64(v.len() as u64);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn u64s(&mut self, v: &[u64]) {
        self.u64(v.len() as u64);
        for &x in v {
            self.u64(x);
        }
    }
    fn i128s(&mut self, v: &[i128]) {
        self.u64(v.len() as u64);
        for &x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    /// Sketches: their count, then per sketch its extremes, its number of non-empty bins and
    /// each as (key, count).
    fn sketches(&mut self, v: &[Sketch]) {
        self.u64(v.len() as u64);
        for s in v {
            self.u64(s.min.to_bits());
            self.u64(s.max.to_bits());
            let entries: Vec<(u32, u32)> = s.entries().collect();
            self.u64(entries.len() as u64);
            for (k, c) in entries {
                self.0.extend_from_slice(&k.to_le_bytes());
                self.0.extend_from_slice(&c.to_le_bytes());
            }
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8], kind: u8) -> Result<(Self, u64), String> {
        if OLDER.iter().any(|m| b.starts_with(*m)) {
            return Err("the aggregate was written by an older detente; rerun that shard".into());
        }
        let rest = b
            .strip_prefix(MAGIC.as_slice())
            .ok_or("not a detente aggregate file (bad magic)")?;
        let mut r = Reader { b: rest };
        let k = r.take(1)?[0];
        if k != kind {
            return Err("the aggregate is of the other kind of scenario".into());
        }
        let runs = r.u64()?;
        Ok((r, runs))
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.b.len() < n {
            return Err("the aggregate file is truncated".into());
        }
        let (a, b) = self.b.split_at(n);
        self.b = b;
        Ok(a)
    }
    fn u64(&mut self) -> Result<u64, String> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    fn i128(&mut self) -> Result<i128, String> {
        let mut a = [0u8; 16];
        a.copy_from_slice(self.take(16)?);
        Ok(i128::from_le_bytes(a))
    }
    fn len(&mut self, want: usize, what: &str) -> Result<(), String> {
        let n = self.u64()?;
        if n != want as u64 {
            return Err(format!(
                "the aggregate's {what} has {n} entries where the scenario needs {want}"
            ));
        }
        Ok(())
    }
    fn moments(&mut self, out: &mut [Moments], what: &str) -> Result<(), String> {
        self.len(out.len(), what)?;
        for m in out.iter_mut() {
            *m = Moments {
                n: self.u64()?,
                sum: self.i128()?,
                sumsq: self.i128()?,
            };
        }
        Ok(())
    }
    fn u32s(&mut self, out: &mut [u32], what: &str) -> Result<(), String> {
        self.len(out.len(), what)?;
        for x in out.iter_mut() {
            let mut a = [0u8; 4];
            a.copy_from_slice(self.take(4)?);
            *x = u32::from_le_bytes(a);
        }
        Ok(())
    }
    fn u32(&mut self) -> Result<u32, String> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a))
    }
    fn sketches(&mut self, out: &mut [Sketch], what: &str) -> Result<(), String> {
        self.len(out.len(), what)?;
        for s in out.iter_mut() {
            s.min = f64::from_bits(self.u64()?);
            s.max = f64::from_bits(self.u64()?);
            let n = self.u64()?;
            if n > KEYS as u64 {
                return Err(format!(
                    "the aggregate's {what} have {n} bins in one metric"
                ));
            }
            for _ in 0..n {
                let (k, c) = (self.u32()?, self.u32()?);
                s.add_entry(k, c)
                    .map_err(|e| format!("the aggregate's {what}: {e}"))?;
            }
        }
        Ok(())
    }
    fn u64s(&mut self, out: &mut [u64], what: &str) -> Result<(), String> {
        self.len(out.len(), what)?;
        for x in out.iter_mut() {
            *x = self.u64()?;
        }
        Ok(())
    }
    /// A list of i128 whose length is a multiple of `stride`, at most `max` long.
    fn i128s(&mut self, stride: usize, max: u64, what: &str) -> Result<Vec<i128>, String> {
        let n = self.u64()?;
        if n > max || n % stride as u64 != 0 {
            return Err(format!("the aggregate's {what} has {n} entries"));
        }
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            out.push(self.i128()?);
        }
        Ok(out)
    }
    fn end(self) -> Result<(), String> {
        if self.b.is_empty() {
            Ok(())
        } else {
            Err("the aggregate file has trailing bytes".into())
        }
    }
}

/// A negotiation batch's aggregate as bytes.
pub fn encode(agg: &Aggregate) -> Vec<u8> {
    let mut w = Writer::new(b'N', agg.runs);
    w.moments(&agg.moments);
    w.u32s(&agg.hist);
    w.u64s(&agg.status);
    w.moments(&agg.summary);
    w.moments(&agg.diffs);
    w.sketches(&agg.spread);
    w.i128s(&agg.draws);
    w.0
}

/// The aggregate written by [`encode`] for this scenario.
pub fn decode(sc: &Scenario, bytes: &[u8]) -> Result<Aggregate, String> {
    let mut agg = Aggregate::new(sc);
    let (mut r, runs) = Reader::new(bytes, b'N')?;
    agg.runs = runs;
    r.moments(&mut agg.moments, "trajectory moments")?;
    r.u32s(&mut agg.hist, "histograms")?;
    r.u64s(&mut agg.status, "status counts")?;
    r.moments(&mut agg.summary, "run summaries")?;
    r.moments(&mut agg.diffs, "paired differences")?;
    r.sketches(&mut agg.spread, "spreads over runs")?;
    // At most one draw per run, 4 numbers per arm.
    let stride = 4 * sc.experiment.arms.len();
    agg.draws = r.i128s(stride, runs.saturating_mul(stride as u64), "draws")?;
    r.end()?;
    consistent(&agg, sc.experiment.baseline)?;
    Ok(agg)
}

/// Whether moments could come from at most `runs` values of magnitude at most twice
/// [`crate::model::params::MAX_MAGNITUDE`] (a paired difference): then the sums of merged
/// shards, at most [`crate::scenario::MAX_RUNS`] runs in all, cannot overflow either.
fn possible(m: &Moments, runs: u64) -> bool {
    let q = crate::batch::stats::fixed(2.0 * crate::model::params::MAX_MAGNITUDE) as i128;
    let n = m.n as i128;
    m.n <= runs && m.sum.unsigned_abs() <= (n * q) as u128 && (0..=n * q * q).contains(&m.sumsq)
}

/// Counts that a batch of `runs` runs can have: at most [`crate::scenario::MAX_RUNS`] runs,
/// exactly `runs` statuses in every arm and month, and no moment or histogram counting more
/// values than there are runs (so sums of merged shards cannot overflow either).
fn consistent(agg: &Aggregate, baseline: usize) -> Result<(), String> {
    use crate::batch::aggregate::{BINS, CONTINUOUS, STATUSES};
    let runs = agg.runs;
    if runs > crate::scenario::MAX_RUNS {
        return Err(format!(
            "the aggregate claims {runs} runs, more than a batch can have"
        ));
    }
    let over = |what: &str| {
        Err(format!(
            "the aggregate's {what} count more values than its {runs} runs"
        ))
    };
    let total = |c: &[u64]| c.iter().try_fold(0u64, |a, &x| a.checked_add(x));
    if agg.status.chunks(STATUSES).any(|c| total(c) != Some(runs)) {
        return Err(format!(
            "the aggregate's status counts do not add up to its {runs} runs in every month"
        ));
    }
    if agg
        .hist
        .chunks(BINS)
        .any(|c| c.iter().map(|&x| u64::from(x)).sum::<u64>() > runs)
    {
        return over("histograms");
    }
    if [&agg.moments, &agg.summary, &agg.diffs]
        .iter()
        .any(|v| v.iter().any(|m| !possible(m, runs)))
    {
        return over("moments");
    }
    if !spreads_match(agg, baseline) {
        return Err("the aggregate's spreads over runs do not count its run metrics".into());
    }
    let q = crate::batch::stats::fixed(2.0 * crate::model::params::MAX_MAGNITUDE) as i128;
    let draw_ok = |c: &[i128]| {
        (0..=runs as i128).contains(&c[0])
            && (0..=runs as i128).contains(&c[2])
            && c[1].abs() <= c[0] * q
            && c[3].abs() <= c[2] * q
    };
    if !agg.draws.chunks(4).all(draw_ok) {
        return over("draws");
    }
    debug_assert_eq!(agg.hist.len() % (CONTINUOUS * BINS), 0);
    Ok(())
}

/// Whether every binned spread over runs counts as many values as the moments of its metric
/// (all runs, or the paired difference), with extremes it could have seen; shares and the
/// baseline's differences are not binned.
fn spreads_match(agg: &Aggregate, baseline: usize) -> bool {
    use crate::batch::aggregate::{GROUPS, NRUN, is_share};
    (0..agg.arms).all(|a| {
        (0..NRUN).all(|k| {
            let binned = |n: u64| if is_share(k) { 0 } else { n };
            let diffs = if a == baseline {
                0
            } else {
                agg.diff_at(a, k).n
            };
            [
                (a * 2, binned(agg.summary[a * GROUPS * NRUN + k].n)),
                (a * 2 + 1, binned(diffs)),
            ]
            .iter()
            .all(|&(i, n)| {
                let s = &agg.spread[i * NRUN + k];
                s.count() == n && s.consistent()
            })
        })
    })
}

/// A repeated-game batch's aggregate as bytes.
pub fn encode_game(agg: &GameAggregate) -> Vec<u8> {
    let mut w = Writer::new(b'G', agg.runs);
    w.moments(&agg.moments);
    w.0
}

/// The aggregate written by [`encode_game`] for this scenario.
pub fn decode_game(sc: &GameScenario, bytes: &[u8]) -> Result<GameAggregate, String> {
    let mut agg = GameAggregate::new(sc);
    let (mut r, runs) = Reader::new(bytes, b'G')?;
    agg.runs = runs;
    r.moments(&mut agg.moments, "match moments")?;
    r.end()?;
    if agg.runs > crate::scenario::MAX_RUNS
        || agg
            .moments
            .iter()
            .any(|m| m.n != agg.runs || !possible(m, agg.runs))
    {
        return Err(format!(
            "the aggregate's moments do not count its {} runs",
            agg.runs
        ));
    }
    Ok(agg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let sc = crate::scenario::default_scenario().scenario;
        let agg = crate::batch::run::<()>(&sc, 1, 0..50, &|_| {}, &mut |_| Ok(())).unwrap();
        let bytes = encode(&agg);
        assert_eq!(decode(&sc, &bytes).unwrap(), agg);
        assert!(decode(&sc, &bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&sc, &longer).is_err());
        assert!(decode(&sc, b"nonsense").is_err());
        let mut other = sc.clone();
        other.horizon = 60;
        assert!(decode(&other, &bytes).unwrap_err().contains("needs"));
    }

    #[test]
    fn counts_beyond_the_runs_are_refused() {
        let sc = crate::scenario::default_scenario().scenario;
        let agg = crate::batch::run::<()>(&sc, 1, 0..20, &|_| {}, &mut |_| Ok(())).unwrap();
        let mut more = agg.clone();
        more.status[0] += 1;
        assert!(
            decode(&sc, &encode(&more))
                .unwrap_err()
                .contains("status counts")
        );
        let mut wrapping = agg.clone();
        wrapping.status[0] = u64::MAX;
        wrapping.status[1] = 21;
        assert!(decode(&sc, &encode(&wrapping)).is_err());
        let mut huge = agg.clone();
        huge.summary[0].sumsq = i128::MAX;
        assert!(decode(&sc, &encode(&huge)).is_err());
        let mut lowest = agg.clone();
        lowest.diffs[0].sum = i128::MIN;
        assert!(decode(&sc, &encode(&lowest)).is_err());
        let mut more = agg.clone();
        more.hist[3] += 21;
        assert!(
            decode(&sc, &encode(&more))
                .unwrap_err()
                .contains("histograms")
        );
        let mut more = agg.clone();
        more.summary[0].n = 21;
        assert!(decode(&sc, &encode(&more)).unwrap_err().contains("moments"));
        let mut fewer = agg;
        fewer.runs = 19;
        assert!(decode(&sc, &encode(&fewer)).is_err());
    }
}
