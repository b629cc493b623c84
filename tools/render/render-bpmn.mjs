// Opens a BPMN file in bpmn-js (the bpmn.io viewer) in Debian's Chromium, fails on any import
// warning, and saves the diagram bpmn-js draws as SVG (then `rsvg-convert` makes the PNG).
// Usage: node tools/render/render-bpmn.mjs IN.bpmn OUT.svg
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const [input, output] = process.argv.slice(2);
const viewer = fileURLToPath(new URL('./node_modules/bpmn-js/dist/bpmn-viewer.production.min.js', import.meta.url));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body><div id="canvas" style="width:2000px;height:1200px"></div></body></html>');
  await page.addScriptTag({ content: readFileSync(viewer, 'utf8') });
  const result = await page.evaluate(async (xml) => {
    const bpmn = new window.BpmnJS({ container: '#canvas' });
    const { warnings } = await bpmn.importXML(xml);
    const { svg } = await bpmn.saveSVG();
    return { warnings: warnings.map((w) => w.message), svg };
  }, readFileSync(input, 'utf8'));
  if (result.warnings.length > 0) {
    console.error(`bpmn-js import warnings:\n${result.warnings.join('\n')}`);
    process.exitCode = 1;
  }
  writeFileSync(output, result.svg);
} finally {
  await browser.close();
}
