// Lays out one graph with ELK Layered (elkjs) for the layout_vs_peers benchmark.
// Reads the ELK JSON graph on stdin, writes {"seconds": s, "graph": laid-out graph}
// on stdout. The layout runs once to warm the JIT, then repeatedly for at least
// 300 ms (at most 20 runs); `seconds` is the mean of the timed runs, without node's
// start-up.
'use strict';
const ELK = require('elkjs/lib/elk.bundled.js');

async function main() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const elk = new ELK();
  const copy = () => JSON.parse(JSON.stringify(input));
  let out = await elk.layout(copy());
  let runs = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (runs === 0 || (elapsed < 0.3 && runs < 20)) {
    out = await elk.layout(copy());
    runs += 1;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  process.stdout.write(JSON.stringify({ seconds: elapsed / runs, graph: out }));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
