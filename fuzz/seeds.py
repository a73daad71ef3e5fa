#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ (not checked in).

Seeds come from the models and fixtures in the repository (models/te24.json cut down to
small sub-models, every fixture model, the change sets and rules of docs/impact.md) and
from a few small generated shapes (deep nesting, cycles, chains). Inputs stay small so that
the fuzzer runs fast; big shapes are the adversarial benchmark's job (benches/).

usage: fuzz/seeds.py [corpus-dir]
"""

import glob
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "fuzz", "corpus")
TARGETS = ["load", "render", "changes", "rules", "impact", "why", "schedule", "diff",
           "import_archimate", "import_csv", "export"]


def dump(doc):
    return json.dumps(doc, ensure_ascii=False, indent=1).encode()


def sub_model(model, n):
    """The first n elements of a model, the relations among them, no views."""
    elements = []
    for e in model["elements"][:n]:
        e = dict(e)
        elements.append(e)
    ids = {e["id"] for e in elements}
    for e in elements:
        if e.get("parent") not in ids:
            e.pop("parent", None)
    relations = []
    for r in model.get("relations", []):
        if r["from"] in ids and r["to"] in ids:
            r = dict(r)
            if "data" in r:
                r["data"] = [d for d in r["data"] if d in ids]
                if not r["data"]:
                    continue
            relations.append(r)
    out = {k: v for k, v in model.items() if k not in ("elements", "relations", "views")}
    out["elements"] = elements
    out["relations"] = relations
    out["views"] = [
        {"id": "all", "title": "All"},
        {"id": "lr", "direction": "LR", "include": [{"kind": "task"}], "collapse": {"depth": 1}},
    ]
    return out


def shapes():
    """Small generated models of the shapes that once broke ecograph."""
    def el(i, kind="task", **kw):
        d = {"id": f"{kind[0]}{i}", "kind": kind, "name": f"{kind} {i}"}
        d.update(kw)
        return d

    yield {"ecograph": 1, "elements": [el(i, start="2024-01", end="2024-02") for i in range(6)],
           "relations": [{"kind": "depends_on", "from": f"t{i}", "to": f"t{(i + 1) % 6}"} for i in range(6)]}
    yield {"ecograph": 1, "elements": [el(i, "group", **({"parent": f"g{i - 1}"} if i else {})) for i in range(12)]}
    yield {"ecograph": 1, "elements": [el(i, "system") for i in range(8)],
           "relations": [{"kind": "flow", "from": f"s{i}", "to": f"s{i + 1}", "label": "x"} for i in range(7)]}
    yield {"ecograph": 1, "elements": [el(i, "system") for i in range(5)],
           "relations": [{"kind": "flow", "from": f"s{i}", "to": f"s{j}"} for i in range(5) for j in range(5) if i != j],
           "views": [{"id": "dense", "include": [{"kind": "system"}]}]}
    yield {"ecograph": 1, "languages": ["fi", "en"],
           "elements": [{"id": "a", "kind": "system", "name": {"fi": "%%{init:{'theme':'dark'}}%% \"<&>\" \\N", "en": "a|b`c#d"},
                         "tags": ["x", "y"], "properties": {"k": "v\n\u001b[31m"}}]}
    yield {"ecograph": 1, "elements": [el(i, start=f"2024-0{i + 1}", end="2024-H2", status="in_progress",
                                          **({"parent": "t0"} if i else {})) for i in range(5)],
           "relations": [{"kind": "depends_on", "from": f"t{i + 1}", "to": f"t{i}", "lag": "2w"} for i in range(1, 4)]}


def main():
    for t in TARGETS:
        os.makedirs(os.path.join(OUT, t), exist_ok=True)

    def put(target, data):
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(OUT, target, name), "wb") as f:
            f.write(data)

    models = []
    te24 = json.load(open(os.path.join(ROOT, "models", "te24.json"), encoding="utf-8"))
    for n in (5, 20, 60, 120):
        models.append(dump(sub_model(te24, n)))
    fixtures = sorted(glob.glob(os.path.join(ROOT, "crates", "*", "tests", "**", "*.json"), recursive=True))
    for path in fixtures:
        data = open(path, "rb").read()
        if len(data) <= 32768 and b'"ecograph"' in data:
            models.append(data)
    models += [dump(m) for m in shapes()]
    models.append(b"[" * 300 + b"]" * 300)

    tails = [b"", b"\0\x00", b"\0\x01\x03\x00\x05\x00", b"\0\xff\x07\x00\x02\x00\x03\x01\x00\x10",
             b"\0\x43\x02\x00\x01\x10\x00\x05\x83\x04\x00"]
    for m in models:
        put("load", m)
        put("export", m)
        put("export", m + b"\0\x01")
        for t in ("render", "impact", "why", "schedule"):
            for tail in tails:
                put(t, m + tail)

    # Change sets and rules: the examples of docs/impact.md, and small ones over fixtures.
    doc = open(os.path.join(ROOT, "docs", "impact.md"), encoding="utf-8").read()
    for block in re.findall(r"```json\n(.*?)```", doc, re.S):
        if '"changes"' in block and '"summary"' not in block:
            put("changes", block.encode())
            for m in models[:6]:
                put("impact", m + b"\0\x01" + block.encode())
        if '"rules"' in block:
            put("rules", block.encode())
    put("changes", b'[{"change":"delayed","element":"t1","by":"2w"}]')
    put("changes", b'{"changes":[{"change":"removed","relation":{"kind":"flow","from":"a","to":"b","data":["d"]}}]}')
    put("rules", b'{"base":"empty","rules":[{"change":"any","relation":"parent","direction":"both","confidence":"certain","then":"removed"}]}')
    put("rules", b'{"base":"default","rules":[]}')

    # Diff: each model against itself and against a sub-model.
    for i, m in enumerate(models):
        put("diff", m + b"\0" + m)
        put("diff", m + b"\0" + models[(i + 1) % len(models)])
    for n in (20, 60):
        put("diff", dump(sub_model(te24, n)) + b"\0" + dump(sub_model(te24, n + 7)))

    # Importers: the interop crate's fixtures (XML files; CSV directories joined by NUL).
    interop = os.path.join(ROOT, "crates", "ecograph-interop", "tests", "fixtures")
    for path in sorted(glob.glob(os.path.join(interop, "**", "*.xml"), recursive=True)):
        put("import_archimate", open(path, "rb").read())
    for d in sorted(glob.glob(os.path.join(interop, "**", "elements.csv"), recursive=True)):
        d = os.path.dirname(d)
        parts = [os.path.join(d, f) for f in ("elements.csv", "relations.csv", "properties.csv")]
        put("import_csv", b"\0".join(open(p, "rb").read() if os.path.exists(p) else b"" for p in parts))
    put("import_csv", b'"ID","Type","Name","Documentation","Specialization"\n"m","ArchimateModel","M","",""\n'
        b'"a","ApplicationComponent","A","",""\n"b","ApplicationComponent","B","",""\0'
        b'"ID","Type","Name","Documentation","Source","Target","Specialization"\n"r","FlowRelationship","","","a","b",""\0'
        b'"ID","Key","Value"\n"a","owner","x"\n')

    for t in TARGETS:
        print(f"{t}: {len(os.listdir(os.path.join(OUT, t)))} seeds")


if __name__ == "__main__":
    main()
