//! The spread of a per-run metric over runs: a mergeable histogram of values in log-linear
//! bins, from which the 5% and 95% quantiles over runs are read with a relative error below
//! 2^-8 (0.4%). Bins are cut from the bits of the value (no logarithm), so counts are exact
//! integers that add up to the same histogram for any thread count, shard split or platform,
//! and memory is bounded whatever the number of runs.

/// Sub-bins per power of two, as bits of the mantissa: each bin is at most 2^-8 of its lower
/// edge wide, so integers below 512 each have a bin of their own (whose edge is the integer).
pub const SUB_BITS: u32 = 8;
const SUB: usize = 1 << SUB_BITS;
/// Magnitudes below 2^LOW_EXP count as 0.
pub const LOW_EXP: i32 = -20;
/// Magnitudes of 2^HIGH_EXP and above (and non-finite values) fall in one overflow bin per
/// sign, whose value is the most extreme value seen.
pub const HIGH_EXP: i32 = 40;
/// Powers of two with bins, per sign.
pub const PAGES: usize = (HIGH_EXP - LOW_EXP) as usize;
/// Bytes of one page of bins.
pub const PAGE_BYTES: u64 = (SUB * 4) as u64;
/// The number of bins: zero, the pages of each sign, and an overflow bin per sign.
pub const KEYS: usize = 2 * PAGES * SUB + 3;

/// Counts per bin, pages of a power of two allocated on first use.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    /// [sign (0 positive, 1 negative)][power of two] -> counts by sub-bin.
    pages: Vec<Option<Box<[u32; SUB]>>>,
    zero: u32,
    /// Overflow counts: [positive, negative].
    over: [u32; 2],
    /// The smallest and largest values seen (+inf and -inf when empty).
    pub min: f64,
    pub max: f64,
}

impl Default for Sketch {
    fn default() -> Self {
        Sketch {
            pages: vec![None; 2 * PAGES],
            zero: 0,
            over: [0; 2],
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

/// Where a value falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bin {
    Zero,
    /// (sign, page, sub-bin)
    At(usize, usize, usize),
    Over(usize),
}

#[inline]
fn bin(x: f64) -> Bin {
    let bits = x.abs().to_bits();
    let sign = usize::from(x.is_sign_negative());
    // Exponent of |x| (NaN and infinities have the largest).
    let e = (bits >> 52) as i32 - 1023;
    if e < LOW_EXP {
        Bin::Zero
    } else if e >= HIGH_EXP {
        Bin::Over(sign)
    } else {
        let sub = ((bits >> (52 - SUB_BITS)) as usize) & (SUB - 1);
        Bin::At(sign, (e - LOW_EXP) as usize, sub)
    }
}

/// The lower edge of the magnitudes in page `page`, sub-bin `sub`.
fn edge(page: usize, sub: usize) -> f64 {
    let e = (page as i64 + LOW_EXP as i64 + 1023) as u64;
    f64::from_bits((e << 52) | ((sub as u64) << (52 - SUB_BITS)))
}

impl Sketch {
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.add_many(x, 1);
    }

    /// Add `count` values `x`.
    #[inline]
    pub fn add_many(&mut self, x: f64, count: u32) {
        if count == 0 {
            return;
        }
        match bin(x) {
            Bin::Zero => self.zero += count,
            Bin::Over(s) => self.over[s] += count,
            Bin::At(s, p, b) => {
                self.pages[s * PAGES + p].get_or_insert_with(|| Box::new([0; SUB]))[b] += count
            }
        }
        // NaN leaves both alone; the batch counts it as non-finite and fails.
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    pub fn merge(&mut self, o: &Sketch) {
        for (mine, theirs) in self.pages.iter_mut().zip(&o.pages) {
            if let Some(t) = theirs {
                let m = mine.get_or_insert_with(|| Box::new([0; SUB]));
                for (a, b) in m.iter_mut().zip(t.iter()) {
                    *a += b;
                }
            }
        }
        self.zero += o.zero;
        self.over[0] += o.over[0];
        self.over[1] += o.over[1];
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// Values counted.
    pub fn count(&self) -> u64 {
        self.entries().map(|(_, c)| u64::from(c)).sum()
    }

    /// The non-empty bins in increasing order of value, as (value, count): a bin's value is
    /// its edge nearest 0, kept within [min, max]; an overflow bin's is the extreme seen.
    fn ordered(&self) -> impl Iterator<Item = (f64, u32)> + '_ {
        let page = move |s: usize, p: usize| self.pages[s * PAGES + p].as_deref();
        let clamp = move |v: f64| v.clamp(self.min, self.max);
        let negative = (0..PAGES).rev().flat_map(move |p| {
            let counts = page(1, p).map_or(&[][..], |c| &c[..]);
            (0..counts.len())
                .rev()
                .map(move |b| (clamp(-edge(p, b)), counts[b]))
        });
        let positive = (0..PAGES).flat_map(move |p| {
            let counts = page(0, p).map_or(&[][..], |c| &c[..]);
            (0..counts.len()).map(move |b| (clamp(edge(p, b)), counts[b]))
        });
        std::iter::once((self.min, self.over[1]))
            .chain(negative)
            .chain(std::iter::once((
                0.0f64.clamp(self.min, self.max),
                self.zero,
            )))
            .chain(positive)
            .chain(std::iter::once((self.max, self.over[0])))
            .filter(|&(_, c)| c > 0)
    }

    /// The p-quantiles (each in [0, 1], increasing) of the values counted, interpolating
    /// linearly between order statistics like the quantiles of a sorted sample; NaN if empty.
    pub fn quantiles<const N: usize>(&self, ps: [f64; N]) -> [f64; N] {
        let n = self.count();
        let mut out = [f64::NAN; N];
        if n == 0 {
            return out;
        }
        // Ranks (0-based) of the order statistics needed, and the fraction between them.
        let spots: Vec<(u64, f64)> = ps
            .iter()
            .map(|&p| {
                let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
                (h as u64, h - (h as u64) as f64)
            })
            .collect();
        let mut lows = [f64::NAN; N];
        let mut highs = [f64::NAN; N];
        let mut seen = 0u64;
        for (value, count) in self.ordered() {
            let next = seen + u64::from(count);
            for (i, &(r, _)) in spots.iter().enumerate() {
                if (seen..next).contains(&r) {
                    lows[i] = value;
                }
                if (seen..next).contains(&(r + 1).min(n - 1)) {
                    highs[i] = value;
                }
            }
            seen = next;
        }
        for i in 0..N {
            out[i] = lows[i] + spots[i].1 * (highs[i] - lows[i]);
        }
        out
    }

    /// The non-empty bins as (key, count), keys in 0..[`KEYS`]: for the binary file.
    pub fn entries(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let pages = self.pages.iter().enumerate().flat_map(|(i, p)| {
            p.as_deref()
                .into_iter()
                .flat_map(move |c| (0..SUB).map(move |b| ((1 + i * SUB + b) as u32, c[b])))
        });
        std::iter::once((0, self.zero))
            .chain(pages)
            .chain([
                ((KEYS - 2) as u32, self.over[0]),
                ((KEYS - 1) as u32, self.over[1]),
            ])
            .filter(|&(_, c)| c > 0)
    }

    /// Add `count` values to the bin with key `key` (from [`Sketch::entries`]).
    pub fn add_entry(&mut self, key: u32, count: u32) -> Result<(), String> {
        let k = key as usize;
        let cell = match k {
            0 => &mut self.zero,
            k if k == KEYS - 2 => &mut self.over[0],
            k if k == KEYS - 1 => &mut self.over[1],
            k if k < KEYS => {
                let (page, b) = ((k - 1) / SUB, (k - 1) % SUB);
                &mut self.pages[page].get_or_insert_with(|| Box::new([0; SUB]))[b]
            }
            _ => return Err(format!("bin {key} is not one of the {KEYS} bins")),
        };
        *cell = cell
            .checked_add(count)
            .ok_or("a bin counts more values than a batch can have")?;
        Ok(())
    }

    /// Whether min and max could have been seen with these counts: both infinite when empty,
    /// else finite or the overflow's, with min <= max and each in the bin of an extreme value.
    pub fn consistent(&self) -> bool {
        let n = self.count();
        if n == 0 {
            return self.min == f64::INFINITY && self.max == f64::NEG_INFINITY;
        }
        self.min <= self.max && self.has(self.min) && self.has(self.max)
    }

    /// Whether the bin of `x` counts anything.
    fn has(&self, x: f64) -> bool {
        match bin(x) {
            Bin::Zero => self.zero > 0,
            Bin::Over(s) => self.over[s] > 0,
            Bin::At(s, p, b) => self.pages[s * PAGES + p].as_ref().is_some_and(|c| c[b] > 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_quantile(v: &[f64], p: f64) -> f64 {
        crate::sweep::sobol::quantiles_of(v, [p])[0]
    }

    #[test]
    fn integers_below_512_are_exact() {
        let mut s = Sketch::default();
        let v: Vec<f64> = (0..1000)
            .map(|i| f64::from((i * 37) % 511) - 100.0)
            .collect();
        v.iter().for_each(|&x| s.add(x));
        for p in [0.0, 0.05, 0.3, 0.5, 0.95, 1.0] {
            assert_eq!(s.quantiles([p])[0], sorted_quantile(&v, p), "p = {p}");
        }
    }

    #[test]
    fn continuous_quantiles_are_within_the_bin_width() {
        let mut s = Sketch::default();
        // A deterministic spread over several powers of ten, both signs.
        let v: Vec<f64> = (1..=5000)
            .map(|i| {
                let x = (f64::from(i) * 0.618_033_988_75).fract();
                (x - 0.3) * 10f64.powi(i % 5 - 2)
            })
            .collect();
        v.iter().for_each(|&x| s.add(x));
        let [lo, hi] = s.quantiles([0.05, 0.95]);
        for (got, p) in [(lo, 0.05), (hi, 0.95)] {
            let want = sorted_quantile(&v, p);
            assert!(
                (got - want).abs() <= want.abs() / 256.0 + 1e-12,
                "{got} vs {want}"
            );
        }
        assert_eq!(s.count(), 5000);
    }

    #[test]
    fn merging_is_exact_and_order_free_and_entries_round_trip() {
        let v: Vec<f64> = (0..300).map(|i| f64::from(i).sin() * 50.0).collect();
        let mut whole = Sketch::default();
        v.iter().for_each(|&x| whole.add(x));
        let (mut a, mut b) = (Sketch::default(), Sketch::default());
        v[..100].iter().for_each(|&x| a.add(x));
        v[100..].iter().for_each(|&x| b.add(x));
        b.merge(&a);
        assert_eq!(b, whole);
        let mut rebuilt = Sketch {
            min: whole.min,
            max: whole.max,
            ..Sketch::default()
        };
        for (k, c) in whole.entries() {
            rebuilt.add_entry(k, c).unwrap();
        }
        assert_eq!(rebuilt, whole);
        assert!(whole.consistent());
        assert!(rebuilt.add_entry(KEYS as u32, 1).is_err());
    }

    #[test]
    fn extremes_and_tiny_values() {
        let mut s = Sketch::default();
        for x in [1e-9, -1e-9, 0.0, 3e13, -5e14] {
            s.add(x);
        }
        assert_eq!(s.quantiles([0.0, 0.5, 1.0]), [-5e14, 0.0, 3e13]);
        assert!(Sketch::default().quantiles([0.5])[0].is_nan());
        let bad = Sketch {
            min: 2.0,
            max: 1.0,
            ..s.clone()
        };
        assert!(!bad.consistent());
    }
}
