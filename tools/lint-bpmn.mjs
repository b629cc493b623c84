// Lints BPMN files as Camunda Modeler does for a Camunda 8.8 diagram: bpmnlint's `recommended`
// rules, then the Camunda 8.8 compatibility rules of bpmnlint-plugin-camunda-compat, with the
// zeebe moddle extension so that Camunda's own elements are understood.
// Usage: node tools/lint-bpmn.mjs FILE...   Exit 0 when no file has an error, and no file has a
// warning from the recommended rules (the tests ask for none).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json');

// The resolver finds `bpmnlint:` and `plugin:` names from this folder's node_modules.
const resolver = new NodeResolver({ require: createRequire(`${here}/package.json`) });
const configs = [
  // bpmnlint's recommended rules discourage inclusive gateways, whose join is hard to read;
  // Waymark draws any-of work (`any of a, b`, the guidance's "and/or") with them on purpose,
  // the element BPMN has for it, and Camunda 8.8 runs them (its rules below still apply).
  ['recommended', { extends: 'bpmnlint:recommended', rules: { 'no-inclusive-gateway': 'off' } }, true],
  ['camunda 8.8', { extends: 'plugin:camunda-compat/camunda-cloud-8-8' }, false],
];

const moddle = new BpmnModdle({ zeebe });
let failed = 0;
for (const file of process.argv.slice(2)) {
  const { rootElement, warnings } = await moddle.fromXML(readFileSync(file, 'utf8'));
  const problems = warnings.map((w) => `import: ${w.message}`);
  const notes = [];
  for (const [name, config, strict] of configs) {
    const reports = await new Linter({ config, resolver }).lint(rootElement);
    for (const [rule, found] of Object.entries(reports)) {
      for (const report of found) {
        const line = `${name}: ${rule}: ${report.id ?? ''}: ${report.message} (${report.category})`;
        if (report.category === 'error' || (strict && report.category === 'warn')) {
          problems.push(line);
        } else {
          notes.push(line);
        }
      }
    }
  }
  if (problems.length > 0) {
    failed += 1;
    console.error(`FAILED: ${file}\n  ${problems.concat(notes).join('\n  ')}`);
  } else {
    console.log(`ok: ${file}${notes.length ? `\n  ${notes.join('\n  ')}` : ''}`);
  }
}
process.exit(failed === 0 && process.argv.length > 2 ? 0 : 1);
