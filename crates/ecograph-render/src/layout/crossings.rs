//! Counting edge crossings between two adjacent ranks in O(E log V), with the
//! accumulator tree of Barth, Jünger and Mutzel ("Simple and Efficient
//! Bilayer Cross Counting", 2002).

/// Number of crossings among straight edges between two layers.
///
/// Each edge is `(upper, lower)`: the positions of its ends on the upper and
/// the lower layer, with every lower position `< lower_len`. Two edges cross
/// when their ends are in strictly opposite order on both layers; edges that
/// share an end do not cross. Parallel edges count separately.
///
/// # Panics
///
/// Panics if a lower position is `>= lower_len`.
#[must_use]
pub fn bilayer_crossings(lower_len: usize, edges: &[(usize, usize)]) -> u64 {
    let mut sorted = edges.to_vec();
    sorted.sort_unstable();
    let mut acc = Accumulator::new(lower_len);
    sorted.iter().map(|&(_, lower)| acc.insert(lower)).sum()
}

/// Fenwick tree over lower positions: inserting an edge end returns how many
/// ends inserted before it lie strictly to its right.
pub(crate) struct Accumulator {
    tree: Vec<u32>,
    inserted: u64,
    /// The weighted tree, for [`Accumulator::insert_weighted`].
    weighted: Vec<u64>,
    weight: u64,
}

impl Accumulator {
    pub(crate) fn new(len: usize) -> Self {
        Accumulator {
            tree: vec![0; len + 1],
            inserted: 0,
            weighted: Vec::new(),
            weight: 0,
        }
    }

    /// Empties the tree, keeping its size.
    pub(crate) fn reset(&mut self, len: usize) {
        self.tree.clear();
        self.tree.resize(len + 1, 0);
        self.inserted = 0;
    }

    /// Empties the weighted tree, sized for `len` positions.
    pub(crate) fn reset_weighted(&mut self, len: usize) {
        self.weighted.clear();
        self.weighted.resize(len + 1, 0);
        self.weight = 0;
    }

    /// Inserts position `p`, returning the number of earlier positions `> p`.
    pub(crate) fn insert(&mut self, p: usize) -> u64 {
        // Prefix count of positions <= p.
        let mut at_most = 0u64;
        let mut i = p + 1;
        while i > 0 {
            at_most += u64::from(self.tree[i]);
            i &= i - 1;
        }
        let mut i = p + 1;
        while i < self.tree.len() {
            self.tree[i] += 1;
            i += i & i.wrapping_neg();
        }
        let crossings = self.inserted - at_most;
        self.inserted += 1;
        crossings
    }

    /// Inserts position `p` with weight `w`, returning the total weight of
    /// earlier positions `> p`.
    pub(crate) fn insert_weighted(&mut self, p: usize, w: u64) -> u64 {
        let mut at_most = 0u64;
        let mut i = p + 1;
        while i > 0 {
            at_most += self.weighted[i];
            i &= i - 1;
        }
        let mut i = p + 1;
        while i < self.weighted.len() {
            self.weighted[i] += w;
            i += i & i.wrapping_neg();
        }
        let crossings = self.weight - at_most;
        self.weight += w;
        crossings
    }
}
