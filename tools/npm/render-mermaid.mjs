// Renders many Mermaid diagrams in ONE browser page, with the Mermaid build that
// mermaid-cli ships (node_modules/mermaid, the version its lock pins) on mermaid-cli's
// own page (dist/index.html), initialised as `mmdc` initialises it
// (`startOnLoad: false`, default config, strict security). Starting Chromium and
// loading Mermaid once instead of once per diagram (as `mmdc` or `renderMermaid` do)
// makes checking hundreds of diagrams take seconds, not minutes.
//
// Input (stdin): a JSON array of Mermaid sources.
// Output (stdout): a JSON array, one entry per source, in order:
//   { "ok": true,  "svg": "<svg ...>", "labels": ["text of each node label, edge label
//     and subgraph title, in document order, <br> read as \n"], "title": "..." | null }
//   { "ok": false, "error": "Mermaid's parse or render error" }
//
// Chromium: $ECOGRAPH_CHROMIUM, else /usr/bin/chromium (Debian's), started without the
// sandbox because the tests run as root in CI.
import puppeteer from "puppeteer";
import path from "node:path";
import url from "node:url";

const here = path.dirname(url.fileURLToPath(import.meta.url));
const modules = path.join(here, "node_modules");
const mermaidJs = path.join(modules, "mermaid/dist/mermaid.min.js");
const page0 = path.join(modules, "@mermaid-js/mermaid-cli/dist/index.html");

// Not readFileSync(0): standard input may be a non-blocking pipe (EAGAIN).
const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const sources = JSON.parse(Buffer.concat(chunks).toString("utf8"));
if (!Array.isArray(sources)) {
  throw new Error("stdin must be a JSON array of Mermaid sources");
}
const browser = await puppeteer.launch({
  executablePath: process.env.ECOGRAPH_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-setuid-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
  ],
});
let results;
try {
  const page = await browser.newPage();
  await page.goto(url.pathToFileURL(page0).href);
  await page.addScriptTag({ path: mermaidJs });
  results = await page.evaluate(async (sources) => {
    // eslint-disable-next-line no-undef
    mermaid.initialize({ startOnLoad: false });
    const container = document.getElementById("container");
    const text = (el) => {
      const copy = el.cloneNode(true);
      for (const br of copy.querySelectorAll("br")) {
        br.replaceWith("\n");
      }
      return copy.textContent;
    };
    const out = [];
    for (let i = 0; i < sources.length; i++) {
      container.innerHTML = "";
      try {
        // eslint-disable-next-line no-undef
        const { svg } = await mermaid.render(`d${i}`, sources[i], container);
        container.innerHTML = svg;
        const el = container.querySelector("svg");
        const xml = new XMLSerializer().serializeToString(el);
        const doc = new DOMParser().parseFromString(xml, "image/svg+xml");
        const bad = doc.querySelector("parsererror");
        if (bad) {
          out.push({ ok: false, error: `the SVG is not XML: ${bad.textContent}` });
          continue;
        }
        const labels = Array.from(
          el.querySelectorAll("g.node .label, g.edgeLabel .label, g.cluster .cluster-label"),
          text,
        );
        const title = el.querySelector(".flowchartTitleText, .titleText");
        out.push({ ok: true, svg: xml, labels, title: title ? title.textContent : null });
      } catch (e) {
        out.push({ ok: false, error: String(e && e.message ? e.message : e) });
      } finally {
        // A failed render leaves its error drawing behind.
        for (const stray of document.querySelectorAll(`#d${i}, #dd${i}`)) {
          stray.remove();
        }
      }
    }
    return out;
  }, sources);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
