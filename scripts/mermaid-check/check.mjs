// Parses every Mermaid diagram (```mermaid blocks) in the given Markdown files, or in every
// README.md under the given directories, with Mermaid's own parser. Mermaid's `parse` needs a
// DOM (DOMPurify) but no layout, so jsdom stands in for a browser.
// Usage: node check.mjs modules [more files or directories...]
// Exits 1 naming each file and diagram that does not parse, 2 when nothing was checked.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const key of ["DOMParser", "Element", "HTMLElement", "Node", "navigator"]) {
  if (!(key in globalThis)) {
    Object.defineProperty(globalThis, key, { value: dom.window[key], configurable: true });
  }
}
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

function markdownFiles(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) =>
        e.isDirectory() ? markdownFiles(join(path, e.name)) : e.name === "README.md" ? [join(path, e.name)] : [],
      );
  }
  return [path];
}

function diagrams(text) {
  const found = [];
  const re = /^```mermaid[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m; (m = re.exec(text)); ) {
    found.push({ line: text.slice(0, m.index).split("\n").length + 1, source: m[1] });
  }
  return found;
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: node check.mjs PATH...");
  process.exit(2);
}
let checked = 0;
let failed = 0;
for (const file of args.flatMap(markdownFiles)) {
  for (const d of diagrams(readFileSync(file, "utf8"))) {
    checked += 1;
    try {
      const result = await mermaid.parse(d.source);
      if (!result) throw new Error("not recognised as a Mermaid diagram");
    } catch (e) {
      failed += 1;
      console.error(`${file}:${d.line}: the Mermaid diagram does not parse: ${e.message ?? e}`);
    }
  }
}
if (checked === 0) {
  console.error("no Mermaid diagram found in " + args.join(" "));
  process.exit(2);
}
console.log(`${checked - failed} passed, ${failed} failed`.replace(/^/, "mermaid: "));
process.exit(failed ? 1 : 0);
