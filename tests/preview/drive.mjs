// Drives `waymark serve` in headless Chromium for tests/integration/preview.rs:
//   node drive.mjs URL PROCEDURE_FILE SCREENSHOT.png
// It loads the page, checks the chart and the diagnostics, edits the file and checks that the
// page redrew without a reload, clicks a step, runs the try-a-case panel and checks a due date,
// and saves a screenshot. Any failed check throws, so the exit code is non-zero.
import puppeteer from "puppeteer-core";
import { readFileSync, writeFileSync } from "node:fs";

const [url, procedure, screenshot] = process.argv.slice(2);
const chromium = process.env.WAYMARK_CHROMIUM || "/usr/bin/chromium";

function check(condition, message) {
  if (!condition) throw new Error("check failed: " + message);
  console.log("ok: " + message);
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  // Root in CI has no user namespace for the sandbox; the page is our own, on 127.0.0.1.
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1600, height: 1000 });
  await page.goto(url, { waitUntil: "load" });

  await page.waitForSelector("#chart svg g.node", { timeout: 10000 });
  const nodes = await page.$$eval("#chart svg g.node", (all) => all.length);
  check(nodes > 10, `the chart is drawn (${nodes} boxes)`);
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics li").length > 0);
  const diagnostics = await page.$eval("#diagnostics", (e) => e.textContent);
  check(diagnostics.includes("WM0311"), "the diagnostics show the unused role (WM0311)");
  check((await page.$eval("#status", (e) => e.textContent)).includes("1 warning"), "the status counts one warning");

  // Edit the file: a new title, and the unused role removed. The page must redraw by itself.
  await page.evaluate(() => { window.notReloaded = true; });
  const before = Number(await page.$eval("body", (b) => b.dataset.version));
  const text = readFileSync(procedure, "utf8");
  const edited = text
    .replace('step initial_visit "Initial visit"', 'step initial_visit "First home visit"')
    .replace(/^role unused_role .*$/m, "");
  check(edited !== text, "the test edits the procedure");
  const saved = Date.now();
  writeFileSync(procedure, edited);
  await page.waitForFunction(
    (before) => Number(document.body.dataset.version) > before &&
      document.querySelector("#chart").textContent.includes("First home visit"),
    { timeout: 5000 },
    before,
  );
  const took = Date.now() - saved;
  check(await page.evaluate(() => window.notReloaded === true), "the page changed without a reload");
  check(took < 3000, `the page redrew ${took} ms after the save`);
  check(!(await page.$eval("#no-diagnostics", (e) => e.hidden)), "the diagnostics now say no problems");

  // Click a step: its rules in words and its citations.
  await page.click("#node-initial_visit");
  const rules = await page.$eval("#step-rules", (e) => e.textContent);
  check(rules.includes("Due 5 working days after referral."), "a clicked step shows its deadline in words");
  const citations = await page.$eval("#step-citations", (e) => e.textContent);
  check(citations.includes("initial visit will not exceed 5 working days"), "and its citations");

  // Try a case: a referral on Christmas Eve.
  await page.$eval("#start-on", (e) => { e.value = "2025-12-24"; });
  await page.$eval("#as-of", (e) => { e.value = "2026-01-02"; });
  await page.select('#fact-fields [data-fact="threshold"]', "level3");
  await page.click("#try button");
  await page.waitForSelector('#try-rows tr[data-step="initial_visit"]', { timeout: 5000 });
  const due = await page.$eval('#try-rows tr[data-step="initial_visit"] td.due', (e) => e.textContent);
  check(due === "2026-01-05", `the initial visit of a Christmas Eve referral is due ${due}`);
  const why = await page.$eval('#try-rows tr[data-step="initial_visit"] pre', (e) => e.textContent);
  check(why.includes("Christmas Day") && why.includes("New Year's Day"), "its explanation names the holidays skipped");
  await page.$eval('#try-rows tr[data-step="initial_visit"] details', (e) => { e.open = true; });

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log("screenshot: " + screenshot);
} finally {
  await browser.close();
}
