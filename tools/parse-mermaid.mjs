// Parses Mermaid files with Mermaid's own parser (the `mermaid` package, in a jsdom window).
// Usage: node tools/parse-mermaid.mjs FILE...   Exit 0 when every file parses, 1 otherwise.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(file, 'utf8'));
    if (!result || result.diagramType !== 'flowchart-v2') {
      throw new Error(`expected a flowchart, got ${JSON.stringify(result)}`);
    }
    console.log(`ok: ${file}`);
  } catch (error) {
    failed += 1;
    console.error(`FAILED: ${file}: ${error.message ?? error}`);
  }
}
process.exit(failed === 0 && process.argv.length > 2 ? 0 : 1);
