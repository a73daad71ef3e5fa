//! Layer assignment by network simplex (Gansner, Koutsofios, North and Vo,
//! "A Technique for Drawing Directed Graphs", 1993): minimise the weighted
//! total edge length subject to `rank[head] >= rank[tail] + minlen`.

use std::collections::BTreeMap;

use super::ns::{self, Balance, NsEdge};

/// Work cap of the simplex (elementary steps): far above what real graphs
/// need, it only bounds the time on adversarial ones.
const WORK_BUDGET: u64 = 200_000_000;

/// An edge of the ranking problem.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RankEdge {
    pub tail: usize,
    pub head: usize,
    pub minlen: i32,
    pub weight: i64,
}

/// Ranks of `n` nodes; `edges` must be acyclic. Every weakly connected
/// component starts at rank 0.
pub(crate) fn rank(n: usize, edges: &[RankEdge]) -> Vec<i32> {
    if n == 0 {
        return Vec::new();
    }
    // Parallel edges become one (summed weight, largest minlen): the simplex
    // below identifies tree edges by their endpoints.
    let mut merged: BTreeMap<(usize, usize), (i32, i64)> = BTreeMap::new();
    for e in edges.iter().filter(|e| e.tail != e.head) {
        let slot = merged.entry((e.tail, e.head)).or_insert((e.minlen, 0));
        slot.0 = slot.0.max(e.minlen);
        slot.1 += e.weight;
    }
    let mut es: Vec<RankEdge> = merged
        .into_iter()
        .map(|((tail, head), (minlen, weight))| RankEdge {
            tail,
            head,
            minlen,
            weight,
        })
        .collect();
    let comp = components(n, &es);
    // A virtual root joined to every component with weight-0 edges makes the
    // graph connected without changing the objective.
    let root = n;
    let mut reps: Vec<usize> = Vec::new();
    let mut seen = vec![false; n];
    for v in 0..n {
        if !seen[comp[v]] {
            seen[comp[v]] = true;
            reps.push(v);
        }
    }
    for &r in &reps {
        es.push(RankEdge {
            tail: root,
            head: r,
            minlen: 0,
            weight: 0,
        });
    }
    let ns_edges: Vec<NsEdge> = es
        .iter()
        .map(|e| NsEdge {
            tail: e.tail,
            head: e.head,
            minlen: i64::from(e.minlen),
            weight: e.weight,
        })
        .collect();
    // Acyclic by contract; a cycle would leave every node on rank 0.
    let mut ranks: Vec<i32> = ns::solve(n + 1, &ns_edges, Balance::None, WORK_BUDGET)
        .unwrap_or_else(|| vec![0; n + 1])
        .into_iter()
        .map(|r| i32::try_from(r).unwrap_or(0))
        .collect();
    ranks.truncate(n);
    let mut min = vec![i32::MAX; n];
    for v in 0..n {
        min[comp[v]] = min[comp[v]].min(ranks[v]);
    }
    for v in 0..n {
        ranks[v] -= min[comp[v]];
    }
    ranks
}

fn components(n: usize, edges: &[RankEdge]) -> Vec<usize> {
    let mut uf: Vec<usize> = (0..n).collect();
    fn find(uf: &mut [usize], mut x: usize) -> usize {
        while uf[x] != x {
            uf[x] = uf[uf[x]];
            x = uf[x];
        }
        x
    }
    for e in edges {
        let (a, b) = (find(&mut uf, e.tail), find(&mut uf, e.head));
        if a != b {
            uf[a.max(b)] = a.min(b);
        }
    }
    (0..n).map(|v| find(&mut uf, v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(tail: usize, head: usize) -> RankEdge {
        RankEdge {
            tail,
            head,
            minlen: 1,
            weight: 1,
        }
    }

    #[test]
    fn ranks_are_feasible_and_tight() {
        // a->b->c->d and a->d: optimal total length keeps the chain tight.
        let edges = [e(0, 1), e(1, 2), e(2, 3), e(0, 3), e(4, 3)];
        let r = rank(5, &edges);
        for x in &edges {
            assert!(r[x.head] >= r[x.tail] + x.minlen);
        }
        assert_eq!(r[..4], [0, 1, 2, 3]);
        // Node 4 sits right above its only successor.
        assert_eq!(r[4], 2);
    }

    #[test]
    fn components_start_at_zero() {
        let r = rank(4, &[e(0, 1), e(2, 3)]);
        assert_eq!(r, vec![0, 1, 0, 1]);
    }
}
