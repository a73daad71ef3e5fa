//! The cluster forest: parents, depths and ancestor paths.

use super::{ClusterSpec, LayoutError};

/// Cluster forest with precomputed ancestor paths.
#[derive(Debug)]
pub(crate) struct ClusterTree {
    /// Parent of each cluster.
    pub parent: Vec<Option<usize>>,
    /// Children of each cluster, in index order.
    pub children: Vec<Vec<usize>>,
    /// Path from the top-level ancestor down to the cluster itself.
    pub path: Vec<Vec<usize>>,
    /// Clusters in pre-order (parents before children).
    pub preorder: Vec<usize>,
}

impl ClusterTree {
    /// Builds the forest; parents must already be in range.
    pub fn new(clusters: &[ClusterSpec]) -> Result<Self, LayoutError> {
        let k = clusters.len();
        let parent: Vec<Option<usize>> = clusters.iter().map(|c| c.parent).collect();
        // Detect parent cycles with the usual three-colour walk, iteratively.
        let mut state = vec![0u8; k]; // 0 new, 1 on current walk, 2 done
        for start in 0..k {
            let mut walk = Vec::new();
            let mut c = Some(start);
            while let Some(i) = c {
                match state[i] {
                    2 => break,
                    1 => return Err(LayoutError::ClusterCycle { cluster: i }),
                    _ => {
                        state[i] = 1;
                        walk.push(i);
                        c = parent[i];
                    }
                }
            }
            for i in walk {
                state[i] = 2;
            }
        }
        let mut children = vec![Vec::new(); k];
        let mut roots = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p {
                Some(p) => children[*p].push(i),
                None => roots.push(i),
            }
        }
        let mut path = vec![Vec::new(); k];
        let mut preorder = Vec::with_capacity(k);
        let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
        while let Some(c) = stack.pop() {
            preorder.push(c);
            let mut p = parent[c].map(|p| path[p].clone()).unwrap_or_default();
            p.push(c);
            path[c] = p;
            stack.extend(children[c].iter().rev().copied());
        }
        Ok(ClusterTree {
            parent,
            children,
            path,
            preorder,
        })
    }

    /// Nesting depth: 0 for the root (no cluster), 1 for a top-level cluster.
    pub fn depth(&self, c: Option<usize>) -> usize {
        c.map_or(0, |c| self.path[c].len())
    }

    /// The ancestor of `c` (or `c` itself) at nesting depth `d >= 1`.
    pub fn ancestor_at(&self, c: usize, d: usize) -> usize {
        self.path[c][d - 1]
    }

    /// Innermost cluster containing both `a` and `b`.
    pub fn lca(&self, a: Option<usize>, b: Option<usize>) -> Option<usize> {
        let (a, b) = (a?, b?);
        let (pa, pb) = (&self.path[a], &self.path[b]);
        pa.iter()
            .zip(pb)
            .take_while(|(x, y)| x == y)
            .last()
            .map(|(x, _)| *x)
    }
}
