// Imports BPMN files with bpmn-moddle, the model layer of bpmn.io and Camunda Modeler, and
// fails on any warning: unknown elements or attributes, unresolved references.
// Usage: node tools/validate-bpmn.mjs FILE...   Exit 0 when every file imports cleanly.
import { readFileSync } from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';

const moddle = new BpmnModdle();
let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const { rootElement, warnings } = await moddle.fromXML(readFileSync(file, 'utf8'));
    if (warnings.length > 0) {
      throw new Error(warnings.map((w) => w.message).join('\n'));
    }
    const diagrams = rootElement.diagrams ?? [];
    const shapes = diagrams.flatMap((d) => d.plane?.planeElement ?? []);
    if (diagrams.length === 0 || shapes.length === 0) {
      throw new Error('no BPMN DI: the file would open without a layout');
    }
    console.log(`ok: ${file} (${shapes.length} shapes and edges)`);
  } catch (error) {
    failed += 1;
    console.error(`FAILED: ${file}: ${error.message ?? error}`);
  }
}
process.exit(failed === 0 && process.argv.length > 2 ? 0 : 1);
