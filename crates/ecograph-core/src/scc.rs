//! Strongly connected components without recursion: the depth of a depth-first search
//! is the input's to decide (a 100,000-task dependency cycle), so the search keeps its
//! own stack on the heap.

/// A directed graph as compressed adjacency: the successors of node `i` are
/// `targets[start[i]..start[i + 1]]`, and `labels` holds each edge's label beside it.
pub(crate) struct Csr {
    pub start: Vec<u32>,
    pub targets: Vec<u32>,
    pub labels: Vec<u32>,
}

impl Csr {
    /// From `(from, to, label)` edges over `n` nodes; each node's successors keep edge
    /// order.
    pub fn from_edges(n: usize, edges: impl Iterator<Item = (u32, u32, u32)> + Clone) -> Csr {
        let mut start = vec![0u32; n + 1];
        for (f, _, _) in edges.clone() {
            start[f as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut targets = vec![0u32; start[n] as usize];
        let mut labels = vec![0u32; start[n] as usize];
        for (f, t, l) in edges {
            targets[fill[f as usize] as usize] = t;
            labels[fill[f as usize] as usize] = l;
            fill[f as usize] += 1;
        }
        Csr {
            start,
            targets,
            labels,
        }
    }

    pub fn range(&self, i: u32) -> std::ops::Range<usize> {
        self.start[i as usize] as usize..self.start[i as usize + 1] as usize
    }

    fn successors(&self, i: u32) -> &[u32] {
        &self.targets[self.range(i)]
    }
}

/// Tarjan's algorithm with an explicit call stack. Returns the components in reverse
/// topological order (as Tarjan finds them), each a list of nodes.
pub(crate) fn tarjan(g: &Csr) -> Vec<Vec<u32>> {
    const UNSEEN: u32 = u32::MAX;
    let n = g.start.len() - 1;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    // (node, position of the next successor to look at)
    let mut calls: Vec<(u32, u32)> = Vec::new();
    let mut next = 0u32;
    let mut comps = Vec::new();
    for root in 0..n as u32 {
        if index[root as usize] != UNSEEN {
            continue;
        }
        calls.push((root, 0));
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        while let Some(&mut (v, ref mut pos)) = calls.last_mut() {
            let succ = g.successors(v);
            if let Some(&w) = succ.get(*pos as usize) {
                *pos += 1;
                if index[w as usize] == UNSEEN {
                    index[w as usize] = next;
                    low[w as usize] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w as usize] = true;
                    calls.push((w, 0));
                } else if on_stack[w as usize] {
                    low[v as usize] = low[v as usize].min(index[w as usize]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent as usize] = low[parent as usize].min(low[v as usize]);
            }
            if low[v as usize] == index[v as usize] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                comps.push(comp);
            }
        }
    }
    comps
}

/// The strongly connected component of each of `n` nodes of the directed graph of
/// `edges` (`(from, to)`, each below `n`, and `n` at most `u32::MAX`, as a model's
/// elements are): two nodes get the same number exactly when each reaches the other.
/// Tarjan's algorithm with its own stack, so a graph of any depth is fine; linear in
/// nodes and edges.
pub fn component_of(n: usize, edges: impl Iterator<Item = (usize, usize)> + Clone) -> Vec<usize> {
    let g = Csr::from_edges(n, edges.map(|(f, t)| (f as u32, t as u32, 0)));
    let mut component = vec![0; n];
    for (c, nodes) in tarjan(&g).into_iter().enumerate() {
        for v in nodes {
            component[v as usize] = c;
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Two nodes share a component when each reaches the other (brute force).
    fn oracle(n: usize, edges: &[(u32, u32)]) -> Vec<Vec<u32>> {
        let mut reach = vec![vec![false; n]; n];
        for (i, row) in reach.iter_mut().enumerate() {
            row[i] = true;
        }
        for _ in 0..n {
            for &(f, t) in edges {
                for row in reach.iter_mut() {
                    if row[f as usize] {
                        row[t as usize] = true;
                    }
                }
            }
        }
        let mut comps: Vec<Vec<u32>> = Vec::new();
        for (i, row) in reach.iter().enumerate() {
            let c: Vec<u32> = (0..n as u32)
                .filter(|&j| row[j as usize] && reach[j as usize][i])
                .collect();
            if c[0] == i as u32 {
                comps.push(c);
            }
        }
        comps
    }

    fn normalise(mut comps: Vec<Vec<u32>>) -> Vec<Vec<u32>> {
        comps.iter_mut().for_each(|c| c.sort_unstable());
        comps.sort_unstable();
        comps
    }

    proptest! {
        #[test]
        fn components_match_mutual_reachability(
            n in 1usize..30,
            raw in proptest::collection::vec((0u32..30, 0u32..30), 0..80),
        ) {
            let edges: Vec<(u32, u32)> = raw.into_iter()
                .map(|(f, t)| (f % n as u32, t % n as u32)).collect();
            let g = Csr::from_edges(n, edges.iter().map(|&(f, t)| (f, t, 0)));
            prop_assert_eq!(normalise(tarjan(&g)), oracle(n, &edges));
            // `component_of` numbers the same components.
            let component = component_of(n, edges.iter().map(|&(f, t)| (f as usize, t as usize)));
            for c in oracle(n, &edges) {
                for v in &c {
                    prop_assert_eq!(component[*v as usize], component[c[0] as usize]);
                }
            }
            let distinct: std::collections::BTreeSet<usize> = component.iter().copied().collect();
            prop_assert_eq!(distinct.len(), oracle(n, &edges).len());
        }
    }

    #[test]
    fn a_million_node_cycle_needs_no_deep_stack() {
        let n = 1_000_000u32;
        let g = Csr::from_edges(n as usize, (0..n).map(|i| (i, (i + 1) % n, i)));
        let comps = tarjan(&g);
        assert_eq!(comps.len(), 1);
        assert_eq!(comps[0].len(), n as usize);
    }
}
