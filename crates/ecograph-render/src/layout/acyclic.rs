//! Cycle removal: the greedy feedback arc set heuristic of Eades, Lin and
//! Smyth (1993), in O((V + E) log V).

use std::collections::BTreeSet;

/// For each edge `(from, to)`, whether reversing it makes the graph acyclic.
/// Self-loops are never reversed; the caller leaves them out of ranking.
pub(crate) fn reversed_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let mut out_adj = vec![Vec::new(); n];
    let mut in_adj = vec![Vec::new(); n];
    let mut outdeg = vec![0i64; n];
    let mut indeg = vec![0i64; n];
    for &(u, v) in edges {
        if u != v {
            out_adj[u].push(v);
            in_adj[v].push(u);
            outdeg[u] += 1;
            indeg[v] += 1;
        }
    }
    // Live nodes keyed by (-(out - in), index): the first is the node whose
    // removal into the left sequence reverses the fewest edges, ties broken
    // by index for determinism.
    let key = |v: usize, outdeg: &[i64], indeg: &[i64]| (indeg[v] - outdeg[v], v);
    let mut live: BTreeSet<(i64, usize)> = (0..n).map(|v| key(v, &outdeg, &indeg)).collect();
    let mut removed = vec![false; n];
    let mut sinks: Vec<usize> = (0..n).rev().filter(|&v| outdeg[v] == 0).collect();
    let mut sources: Vec<usize> = (0..n).rev().filter(|&v| indeg[v] == 0).collect();
    let mut left = Vec::with_capacity(n);
    let mut right = Vec::with_capacity(n);
    for _ in 0..n {
        let (v, to_left) = loop {
            if let Some(v) = sinks.pop() {
                if !removed[v] {
                    break (v, false);
                }
            } else if let Some(v) = sources.pop() {
                if !removed[v] {
                    break (v, true);
                }
            } else {
                let &(_, v) = live.first().expect("a live node remains");
                break (v, true);
            }
        };
        removed[v] = true;
        live.remove(&key(v, &outdeg, &indeg));
        if to_left {
            left.push(v);
        } else {
            right.push(v);
        }
        for &w in &out_adj[v] {
            if !removed[w] {
                live.remove(&key(w, &outdeg, &indeg));
                indeg[w] -= 1;
                live.insert(key(w, &outdeg, &indeg));
                if indeg[w] == 0 {
                    sources.push(w);
                }
            }
        }
        for &u in &in_adj[v] {
            if !removed[u] {
                live.remove(&key(u, &outdeg, &indeg));
                outdeg[u] -= 1;
                live.insert(key(u, &outdeg, &indeg));
                if outdeg[u] == 0 {
                    sinks.push(u);
                }
            }
        }
    }
    let mut pos = vec![0usize; n];
    for (i, &v) in left.iter().chain(right.iter().rev()).enumerate() {
        pos[v] = i;
    }
    edges.iter().map(|&(u, v)| pos[u] > pos[v]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_cycles() {
        let edges = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 3), (3, 1)];
        let rev = reversed_edges(4, &edges);
        // After reversal, a topological order exists.
        let mut oriented: Vec<(usize, usize)> = edges
            .iter()
            .zip(&rev)
            .filter(|((u, v), _)| u != v)
            .map(|(&(u, v), &r)| if r { (v, u) } else { (u, v) })
            .collect();
        let mut indeg = [0; 4];
        for &(_, v) in &oriented {
            indeg[v] += 1;
        }
        let mut seen = 0;
        while let Some(v) = (0..4).find(|&v| indeg[v] == 0) {
            indeg[v] = usize::MAX;
            seen += 1;
            oriented.retain(|&(u, w)| {
                if u == v {
                    indeg[w] -= 1;
                    false
                } else {
                    true
                }
            });
        }
        assert_eq!(seen, 4);
        assert!(!rev[4]);
    }
}
