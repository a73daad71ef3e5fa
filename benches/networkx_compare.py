#!/usr/bin/env python3
"""Run the same impact query with ecograph and with networkx on one synthetic model.

    python3 benches/networkx_compare.py [--elements N [N ...]] [--seed S] [--remove ID]

Builds `impact_query` (release), writes a synthetic model of each size with it, then
times removing one element, fully propagated with witness paths (predecessors), under
the default rules of docs/impact.md:

- ecograph, end to end after loading the model: `impact_query run`, which builds the
  snapshot, analyses, and materialises every witness path (`path()` on every affected
  element); also its phases: the snapshot, the analysis on it, the paths;
- networkx: a MultiDiGraph of the same relations, containment and flow data, the same
  two breadth-first searches over (element, mode) states (certain rules only, then
  every rule) with predecessor maps, and every witness path written out as a list of
  hops (from, link, relation, to), as ecograph's `path()` gives them.

Both sides are timed in CPU time (ecograph: the thread's, from /proc; networkx:
`time.process_time`), median of the repeats: the box these figures come from is
shared, and CPU time is the steadier measure. Prints both, the affected counts (they
must agree) and four ratios: end to end after loading, both sides building their graph
(ecograph's snapshot, networkx's MultiDiGraph), searching and writing out every path;
the same with networkx's graph building left out (ecograph's snapshot still in: the
strictest); with the snapshot counted as loading too, as networkx's graph is; and search
against search.
Needs `pip install networkx`.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import deque

import networkx as nx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (change, link, direction) -> (confidence, then); see docs/impact.md.
COMMON = [
    ("uses", "backward", "certain"),
    ("flow", "forward", "certain"),
    ("data", "forward", "certain"),
    ("provides", "forward", "certain"),
    ("concerns", "backward", "certain"),
    ("depends_on", "backward", "certain"),
    ("produces", "forward", "certain"),
    ("parent", "forward", "certain"),
    ("concerns", "forward", "potential"),
    ("linked", "forward", "potential"),
    ("linked", "backward", "potential"),
]
RULES = {}
for change in ("modified", "removed", "added"):
    for link, d, conf in COMMON:
        RULES[(change, link, d)] = (conf, "modified")
for link, d in [("flow", "backward"), ("plays", "forward"), ("responsible", "forward"), ("participates", "forward")]:
    RULES[("removed", link, d)] = ("certain", "modified")
RULES[("removed", "parent", "backward")] = ("certain", "removed")


def build_graph(doc):
    g = nx.MultiDiGraph()
    for e in doc["elements"]:
        g.add_node(e["id"])
        if "parent" in e:
            g.add_edge(e["id"], e["parent"], link="parent")
    for i, r in enumerate(doc["relations"]):
        g.add_edge(r["from"], r["to"], link=r["kind"], rel=i)
        for d in r.get("data", ()):
            g.add_edge(d, r["from"], link="data", rel=i)
            g.add_edge(d, r["to"], link="data", rel=i)
    return g


def bfs(g, seeds, with_potential):
    """Distances and predecessors over (node, mode) states."""
    dist, pred = {}, {}
    queue = deque()
    for s in seeds:
        dist[s] = 0
        queue.append(s)
    while queue:
        state = queue.popleft()
        node, mode = state
        d = dist[state]
        for direction, edges in (("forward", g.out_edges(node, data=True)), ("backward", g.in_edges(node, data=True))):
            for a, b, attrs in edges:
                link, rel = attrs["link"], attrs.get("rel")
                rule = RULES.get((mode, link, direction))
                if rule is None or (rule[0] == "potential" and not with_potential):
                    continue
                other = b if direction == "forward" else a
                nxt = (other, rule[1])
                if nxt not in dist:
                    dist[nxt] = d + 1
                    pred[nxt] = (state, link, rel)
                    queue.append(nxt)
    return dist, pred


def witness_path(pred, state):
    """The hops (from, link, relation, to) from a change to `state`."""
    hops = []
    while state in pred:
        prev, link, rel = pred[state]
        hops.append((prev[0], link, rel, state[0]))
        state = prev
    hops.reverse()
    return hops


def networkx_query(g, removed):
    seeds = [(removed, "removed")]
    certain, pc = bfs(g, seeds, False)
    full, pf = bfs(g, seeds, True)
    # Per element: the best confidence, then the shortest distance, then the modified
    # state, as ecograph reports it.
    affected = {}
    for search, preds, confidence in ((certain, pc, "certain"), (full, pf, "potential")):
        found = {}
        for state, d in search.items():
            node = state[0]
            if node == removed or node in affected:
                continue
            best = found.get(node)
            if best is None or (d, state[1] != "modified") < (best[0], best[1][1] != "modified"):
                found[node] = (d, state)
        for node, (d, state) in found.items():
            affected[node] = (d, confidence, witness_path(preds, state))
    hops = sum(len(p) for _, _, p in affected.values())
    return len(affected), hops


def compare(exe, root_target, elements, seed, remove, repeats):
    path = os.path.join(root_target, f"synth-{elements}-{seed}.json")
    if not os.path.exists(path):
        subprocess.run([exe, "gen", str(elements), str(seed), path], check=True)

    out = subprocess.run([exe, "run", path, remove, str(repeats)], check=True, capture_output=True, text=True).stdout
    fields = dict(kv.split("=") for kv in out.split())
    rust_ms = float(fields["median_ms"])
    rust_analysis_ms = float(fields["analyze_ms"])
    rust_affected = int(fields["affected"])

    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    t = time.process_time()
    g = build_graph(doc)
    build_ms = (time.process_time() - t) * 1e3
    del doc
    times = []
    for _ in range(repeats):
        t = time.process_time()
        nx_affected, nx_hops = networkx_query(g, remove)
        times.append((time.process_time() - t) * 1e3)
    nx_ms = statistics.median(times)
    print(f"model: {fields['elements']} elements, {fields['relations']} relations; removing `{remove}`")
    print(
        f"ecograph: {rust_ms:.1f} ms end to end after loading (median of {repeats}): "
        f"snapshot {fields['snapshot_ms']} ms, analysis {fields['analyze_ms']} ms, "
        f"every witness path {fields['paths_ms']} ms ({fields['path_hops']} hops); {rust_affected} affected"
    )
    print(
        f"networkx: {nx_ms:.1f} ms searching and writing out every path (median of {repeats}; "
        f"{nx_hops} hops); building the graph {build_ms:.0f} ms; {nx_affected} affected"
    )
    after_snapshot_ms = rust_analysis_ms + float(fields["paths_ms"])
    print(
        f"ratio: {(build_ms + nx_ms) / rust_ms:.1f}x end to end after loading (graph, search, every path, both sides), "
        f"{nx_ms / rust_ms:.1f}x with networkx's graph left out (the strictest), "
        f"{nx_ms / after_snapshot_ms:.1f}x with both graphs counted as loading, "
        f"{nx_ms / rust_analysis_ms:.1f}x search against search"
    )
    if (nx_affected, nx_hops) != (rust_affected, int(fields["path_hops"])):
        print("error: the affected counts or the path lengths differ", file=sys.stderr)
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elements", type=int, nargs="+", default=[100_000, 200_000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--remove", default="sys.1")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "ecograph-benches", "--bin", "impact_query"], cwd=ROOT, check=True)
    exe = os.path.join(target, "release", "impact_query")
    status = 0
    for i, n in enumerate(args.elements):
        if i:
            print()
        status |= compare(exe, target, n, args.seed, args.remove, args.repeats)
    return status


if __name__ == "__main__":
    sys.exit(main())
