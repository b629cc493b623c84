// The preview page: draws the newest state from /state, redraws when /events says the file
// changed, shows a clicked step's rules, and runs the try-a-case panel through /try.
// Every text from the procedure is put in with textContent, never as HTML; only the SVG,
// which Waymark drew and escaped itself, is inserted as markup.
"use strict";

let page = null;
let version = 0;
let selected = null;

const $ = (id) => document.getElementById(id);

function item(text, className) {
  const li = document.createElement("li");
  if (className) li.className = className;
  li.textContent = text;
  return li;
}

async function load() {
  const response = await fetch("/state", { cache: "no-store" });
  const state = await response.json();
  version = state.version;
  page = state.page;
  render();
}

function render() {
  document.title = (page.title || page.file) + " - Waymark preview";
  $("title").textContent = page.title || "Waymark preview";
  $("file").textContent = page.file;
  const status = $("status");
  status.className = "status" + (page.errors ? " errors" : page.warnings ? " warnings" : "");
  const count = (n, word) => n + " " + word + (n === 1 ? "" : "s");
  status.textContent = page.errors || page.warnings
    ? count(page.errors, "error") + ", " + count(page.warnings, "warning")
    : "no problems";
  $("updated").textContent = "updated " + new Date().toLocaleTimeString();
  document.body.dataset.version = String(version);
  renderChart();
  renderDiagnostics();
  renderComparison();
  renderFactFields();
  if (selected && page.steps && page.steps[selected]) showStep(selected);
}

function renderChart() {
  const chart = $("chart");
  if (!page.svg) {
    chart.textContent = "The procedure has errors, so it is not drawn. The diagnostics say what to fix.";
    return;
  }
  chart.innerHTML = page.svg;
  for (const node of chart.querySelectorAll("g.node")) {
    const id = node.id.replace(/^node-/, "");
    node.addEventListener("click", () => showStep(id));
    node.setAttribute("tabindex", "0");
  }
}

function renderDiagnostics() {
  const list = $("diagnostics");
  list.replaceChildren();
  for (const d of page.diagnostics) {
    const li = document.createElement("li");
    li.className = d.severity;
    const code = document.createElement("span");
    code.className = "code";
    code.textContent = d.code + " " + d.severity;
    li.append(code, " " + d.file + ":" + d.line + ":" + d.column + " " + d.message);
    if (d.help) {
      const help = document.createElement("div");
      help.className = "help";
      help.textContent = "help: " + d.help;
      li.append(help);
    }
    list.append(li);
  }
  $("no-diagnostics").hidden = page.diagnostics.length > 0;
}

function renderComparison() {
  const part = $("comparison");
  part.hidden = !page.compare;
  if (page.compare) {
    $("old-file").textContent = page.compare.old;
    $("diff").textContent = page.compare.diff;
  }
}

// Step ids in the drawing are the procedure's; a checkpoint's series is one box for its days.
function stepFor(id) {
  if (page.steps[id]) return id;
  const series = Object.keys(page.steps).find((s) => s.replace(/_\d+$/, "") === id);
  return series || null;
}

function showStep(id) {
  if (!page.steps) return;
  const key = stepFor(id);
  if (!key) return;
  selected = id;
  const step = page.steps[key];
  for (const node of document.querySelectorAll("#chart g.node")) {
    node.classList.toggle("selected", node.id === "node-" + id);
  }
  $("step-hint").hidden = true;
  $("step").hidden = false;
  $("step-title").textContent = step.title + " (" + step.kind + " " + id + ")";
  $("step-where").textContent = step.file + ":" + step.line;
  $("step-rules").replaceChildren(...step.rules.map((r) => item(r)));
  const citations = step.citations.map((c) => item(c.source + " (" + c.title + "): \u201c" + c.phrase + "\u201d"));
  $("step-citations").replaceChildren(...(citations.length ? citations : [item("none")]));
}

// The fact fields are rebuilt only when the facts change, so typed values survive a redraw.
let factsShown = "";
function renderFactFields() {
  if (!page.facts) return;
  const start = page.steps[page.start];
  $("start-label").textContent = (start ? start.title : page.start) + " on";
  const signature = JSON.stringify(page.facts);
  if (signature === factsShown) return;
  factsShown = signature;
  const fields = $("fact-fields");
  fields.replaceChildren();
  for (const fact of page.facts) {
    const label = document.createElement("label");
    label.textContent = fact.title + (fact.optional ? " (optional)" : "");
    let input;
    if (fact.values.length) {
      input = document.createElement("select");
      input.append(new Option(fact.optional ? "(not known)" : "(choose)", ""));
      for (const value of fact.values) input.append(new Option(value, value));
    } else {
      input = document.createElement("input");
      input.type = fact.kind === "date" ? "date" : fact.kind === "number" ? "number" : "text";
    }
    input.dataset.fact = fact.id;
    label.append(input);
    fields.append(label);
  }
}

async function tryCase(event) {
  event.preventDefault();
  const facts = {};
  for (const input of document.querySelectorAll("#fact-fields [data-fact]")) {
    facts[input.dataset.fact] = input.value;
  }
  const request = {
    start_on: $("start-on").value,
    as_of: $("as-of").value,
    facts,
    records: $("records").value,
  };
  const response = await fetch("/try", { method: "POST", body: JSON.stringify(request) });
  showTrial(await response.json());
}

function showTrial(answer) {
  $("try-problems").replaceChildren(...(answer.problems || []).map((p) => item(p)));
  const table = $("try-rows");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  table.hidden = !answer.ok;
  $("try-state").textContent = answer.ok
    ? "The case is " + answer.state + (answer.at.length ? ", at " + answer.at.join(", ") : "") + "."
    : "";
  if (!answer.ok) return;
  for (const row of answer.rows) {
    const tr = document.createElement("tr");
    tr.dataset.step = row.step + (row.occurrence ? "#" + row.occurrence : "");
    const name = document.createElement("td");
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = row.step + (row.occurrence ? " #" + row.occurrence : "");
    const why = document.createElement("pre");
    why.textContent = row.explanation;
    details.append(summary, why);
    name.append(details);
    const status = document.createElement("td");
    status.className = row.status;
    status.textContent = row.status;
    const due = document.createElement("td");
    due.className = "due";
    due.textContent = row.due || "";
    tr.append(name, status, due);
    body.append(tr);
  }
}

function today() {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

$("as-of").value = today();
$("try").addEventListener("submit", tryCase);
const events = new EventSource("/events");
events.addEventListener("version", (event) => {
  if (Number(event.data) !== version) load();
});
load();
