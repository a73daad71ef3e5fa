//! Cycle removal: the greedy feedback arc set heuristic of Eades, Lin and
//! Smyth (1993), in O((V + E) log V), applied inside strongly connected
//! components only, so an edge that lies on no cycle is never reversed.

use std::collections::BTreeSet;

/// For each edge `(from, to)`, whether reversing it makes the graph acyclic.
/// Self-loops are never reversed; the caller leaves them out of ranking.
pub(crate) fn reversed_edges(n: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let comp = strong_components(n, edges);
    let inner: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(u, v)| comp[u] == comp[v])
        .collect();
    let pos = greedy_order(n, &inner);
    edges
        .iter()
        .map(|&(u, v)| comp[u] == comp[v] && pos[u] > pos[v])
        .collect()
}

/// Strongly connected component of each node (Tarjan, iterative).
fn strong_components(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut adj = vec![Vec::new(); n];
    for &(u, v) in edges {
        adj[u].push(v);
    }
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut ncomp = 0;
    for start in 0..n {
        if index[start] != UNSEEN {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next;
        low[start] = next;
        next += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut k)) = call.last_mut() {
            if let Some(&w) = adj[v].get(*k) {
                *k += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(p, _)) = call.last() {
                    low[p] = low[p].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = ncomp;
                        if w == v {
                            break;
                        }
                    }
                    ncomp += 1;
                }
            }
        }
    }
    comp
}

/// Node sequence of the greedy heuristic: few edges point backwards.
fn greedy_order(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
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
    pos
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

    #[test]
    fn edges_between_components_keep_direction() {
        // 0 -> {1, 2 cycle} -> 3; only an edge of the cycle may turn.
        let edges = [(0, 1), (1, 2), (2, 1), (2, 3), (0, 3)];
        let rev = reversed_edges(4, &edges);
        assert!(!rev[0] && !rev[3] && !rev[4]);
        assert!(rev[1] != rev[2]);
    }
}
