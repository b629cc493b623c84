// Renders Mermaid files with mermaid-cli (in Debian's Chromium) and reports, for each, the
// drawing's width / height and every line that runs through a box it does not start or end at.
// Usage: node tools/render/check-mermaid.mjs FILE.mermaid...   Exit 1 when a line crosses a box,
// or when a drawing's boxes or lines cannot be found in the SVG (the check would then pass
// vacuously, as after a change in how Mermaid writes its SVG).
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'mermaid-check-'));
let crossings = 0;

// The points of a path's M, L and C commands; a cubic curve is sampled.
function points(d) {
  const out = [];
  const tokens = d.match(/[MLC]|-?\d*\.?\d+(?:e-?\d+)?/g) ?? [];
  let command = null;
  let at = [0, 0];
  for (let i = 0; i < tokens.length;) {
    if (/[MLC]/.test(tokens[i])) { command = tokens[i]; i += 1; continue; }
    if (command === 'C') {
      const [x1, y1, x2, y2, x, y] = tokens.slice(i, i + 6).map(Number);
      for (let t = 0.05; t <= 1.0001; t += 0.05) {
        const u = 1 - t;
        out.push([
          u * u * u * at[0] + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x,
          u * u * u * at[1] + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y,
        ]);
      }
      at = [x, y];
      i += 6;
    } else {
      const [x, y] = tokens.slice(i, i + 2).map(Number);
      if (command === 'L') {
        for (let t = 0.05; t <= 1.0001; t += 0.05) out.push([at[0] + (x - at[0]) * t, at[1] + (y - at[1]) * t]);
      } else out.push([x, y]);
      at = [x, y];
      i += 2;
    }
  }
  return out;
}

for (const file of process.argv.slice(2)) {
  const svgFile = join(work, `${basename(file)}.svg`);
  execFileSync(join(here, 'node_modules/.bin/mmdc'), ['-q', '-p', join(here, 'puppeteer.json'), '-i', file, '-o', svgFile]);
  const svg = readFileSync(svgFile, 'utf8');
  const view = svg.match(/viewBox="([^"]*)"/)[1].split(/\s+/).map(Number);
  const boxes = new Map();
  for (const match of svg.matchAll(/<g class="node[^"]*" id="[^"]*flowchart-(n_\w+?)-\d+"[^>]*transform="translate\(([-\d.]+), ([-\d.]+)\)">(.*?)<g class="label"/gs)) {
    const [, id, cx, cy, shape] = match;
    let half = null;
    const rect = shape.match(/<rect[^>]*x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"/);
    const polygon = shape.match(/points="([^"]*)"/);
    // An end's rounded outline is a path drawn from its top left corner; the start a circle.
    const path = shape.match(/<path d="M(-[\d.]+) (-[\d.]+)/);
    const circle = shape.match(/<circle[^>]* r="([\d.]+)"/);
    if (rect) half = [Number(rect[3]) / 2, Number(rect[4]) / 2];
    else if (path) half = [-Number(path[1]), -Number(path[2])];
    else if (circle) half = [Number(circle[1]), Number(circle[1])];
    else if (polygon) {
      const numbers = polygon[1].split(/[ ,]+/).filter(Boolean).map(Number);
      const xs = numbers.filter((_, i) => i % 2 === 0);
      const ys = numbers.filter((_, i) => i % 2 === 1);
      half = [(Math.max(...xs) - Math.min(...xs)) / 2, (Math.max(...ys) - Math.min(...ys)) / 2];
    }
    if (half) boxes.set(id, [Number(cx) - half[0], Number(cy) - half[1], Number(cx) + half[0], Number(cy) + half[1]]);
  }
  const problems = [];
  let lines = 0;
  for (const match of svg.matchAll(/<path d="([^"]*)"[^>]*data-id="L_(n_\w+?)_(n_\w+?)_\d+"/g)) {
    const [, d, from, to] = match;
    lines += 1;
    const crossed = new Set();
    for (const [x, y] of points(d)) {
      for (const [id, [l, t, r, b]] of boxes) {
        if (id === from || id === to) continue;
        // A margin of 2 keeps a line that grazes a corner from counting.
        if (x > l + 2 && x < r - 2 && y > t + 2 && y < b - 2) crossed.add(id);
      }
    }
    for (const id of crossed) problems.push(`${from} -> ${to} runs through ${id}`);
  }
  // Every box and every line of the file must be found (a node line is `n_id[...]`, a line
  // has an arrow), or nothing has been checked.
  const source = readFileSync(file, 'utf8');
  const declared = new Set([...source.matchAll(/^\s*(n_\w+)[[({>]/gm)].map((m) => m[1])).size;
  const arrows = [...source.matchAll(/^\s*n_\w+ [-=.~]+/gm)].length;
  if (boxes.size !== declared || lines !== arrows) {
    problems.push(`found ${boxes.size} of ${declared} boxes and ${lines} of ${arrows} lines in the drawing`);
  }
  crossings += problems.length;
  const ratio = (view[2] / view[3]).toFixed(2);
  console.log(`${file}: width/height ${ratio}, ${boxes.size} boxes, ${lines} lines, ${problems.length} problems (lines through boxes)${problems.length ? `\n  ${problems.join('\n  ')}` : ''}`);
}
process.exit(crossings === 0 ? 0 : 1);
