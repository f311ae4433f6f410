//! A set of move indices as a 128-bit mask: copyable, allocation-free, fast to test.

use super::MoveIx;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MoveSet(pub u128);

/// The mask of move m: a 64-bit shift placed in its half (cheaper than a 128-bit shift).
#[inline]
fn bit(m: MoveIx) -> u128 {
    let b = u128::from(1u64 << (m & 63));
    if m < 64 { b } else { b << 64 }
}

impl MoveSet {
    pub const EMPTY: MoveSet = MoveSet(0);
    pub fn single(m: MoveIx) -> Self {
        MoveSet(bit(m))
    }
    pub fn contains(self, m: MoveIx) -> bool {
        // The 64-bit half holding m, then a 64-bit shift (cheaper than a 128-bit one).
        let half = if m < 64 {
            self.0 as u64
        } else {
            (self.0 >> 64) as u64
        };
        half >> (m & 63) & 1 == 1
    }
    pub fn insert(&mut self, m: MoveIx) {
        self.0 |= bit(m);
    }
    pub fn remove(&mut self, m: MoveIx) {
        self.0 &= !bit(m);
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    /// Every move of `other` is in `self`.
    pub fn contains_all(self, other: MoveSet) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn union(self, other: MoveSet) -> MoveSet {
        MoveSet(self.0 | other.0)
    }
    pub fn intersect(self, other: MoveSet) -> MoveSet {
        MoveSet(self.0 & other.0)
    }
    pub fn minus(self, other: MoveSet) -> MoveSet {
        MoveSet(self.0 & !other.0)
    }
    /// Indices in increasing order.
    pub fn iter(self) -> Iter {
        Iter {
            lo: self.0 as u64,
            hi: (self.0 >> 64) as u64,
        }
    }
}

/// The indices of a [`MoveSet`] in increasing order, a 64-bit half at a time (catalogues of
/// up to 64 moves never touch the upper half).
#[derive(Debug, Clone)]
pub struct Iter {
    lo: u64,
    hi: u64,
}

impl Iterator for Iter {
    type Item = MoveIx;

    #[inline]
    fn next(&mut self) -> Option<MoveIx> {
        if self.lo != 0 {
            let i = self.lo.trailing_zeros() as usize;
            self.lo &= self.lo - 1;
            Some(i)
        } else if self.hi != 0 {
            let i = self.hi.trailing_zeros() as usize + 64;
            self.hi &= self.hi - 1;
            Some(i)
        } else {
            None
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.lo.count_ones() + self.hi.count_ones()) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter {}

impl FromIterator<MoveIx> for MoveSet {
    fn from_iter<I: IntoIterator<Item = MoveIx>>(it: I) -> Self {
        let mut s = MoveSet::EMPTY;
        for m in it {
            s.insert(m);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iter_and_contains_agree_with_the_bits_in_both_halves() {
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        let mut patterns = vec![0, 1, u128::MAX, 1 << 63, 1 << 64, 1 << 127, (1 << 64) | 1];
        for _ in 0..200 {
            x = crate::rng::splitmix64(x);
            let y = crate::rng::splitmix64(x);
            patterns.push(
                (u128::from(x) << 64 | u128::from(y)) & u128::from(x).rotate_left(x as u32 % 128),
            );
        }
        for bits in patterns {
            let set = MoveSet(bits);
            let expected: Vec<MoveIx> = (0..128).filter(|&m| bits >> m & 1 == 1).collect();
            for m in 0..128 {
                assert_eq!(set.contains(m), expected.contains(&m));
                assert_eq!(MoveSet::single(m).0, 1u128 << m);
                let (mut with, mut without) = (set, set);
                with.insert(m);
                without.remove(m);
                assert_eq!((with.0, without.0), (bits | 1 << m, bits & !(1 << m)));
            }
            let got: Vec<MoveIx> = set.iter().collect();
            assert_eq!(got, expected, "{bits:#x}");
            assert_eq!(set.iter().len(), set.len());
            assert_eq!(got.into_iter().collect::<MoveSet>(), set);
        }
    }
}
