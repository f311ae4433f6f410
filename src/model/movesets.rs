//! A set of move indices as a 128-bit mask: copyable, allocation-free, fast to test.

use super::MoveIx;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MoveSet(pub u128);

impl MoveSet {
    pub const EMPTY: MoveSet = MoveSet(0);
    pub fn single(m: MoveIx) -> Self {
        MoveSet(1u128 << m)
    }
    pub fn contains(self, m: MoveIx) -> bool {
        self.0 >> m & 1 == 1
    }
    pub fn insert(&mut self, m: MoveIx) {
        self.0 |= 1u128 << m;
    }
    pub fn remove(&mut self, m: MoveIx) {
        self.0 &= !(1u128 << m);
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
    pub fn iter(self) -> impl Iterator<Item = MoveIx> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            if bits == 0 {
                None
            } else {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(i)
            }
        })
    }
}

impl FromIterator<MoveIx> for MoveSet {
    fn from_iter<I: IntoIterator<Item = MoveIx>>(it: I) -> Self {
        let mut s = MoveSet::EMPTY;
        for m in it {
            s.insert(m);
        }
        s
    }
}
