// The grammar on every shipped procedure and example: each line's first word is a keyword of
// its kind, each name an item declares is a name, every quoted text is a string (with no
// keyword or comment inside), and every comment is a comment. Run with `node --test test/`.
"use strict";

const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");
const textmate = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.join(__dirname, "..", "..", "..");
const ITEMS = ["procedure", "step", "decision", "together", "checkpoint", "recurring", "end"];
const DECLARATIONS = ["use", "role", "fact", "start", "source"];
const HEADER = ["version", "effective", "calendar"];
const DETAILS = ["by", "due", "target", "overrun", "untimed", "waivable", "outcomes", "on",
  "then", "otherwise", "all", "at", "every", "until", "cite"];

async function grammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async () => {
      const file = path.join(__dirname, "..", "syntaxes", "waymark.tmLanguage.json");
      return textmate.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  return registry.loadGrammar("source.waymark");
}

function procedures() {
  const files = [];
  for (const folder of ["procedures", "examples"]) {
    for (const name of fs.readdirSync(path.join(root, folder)).sort()) {
      if (name.endsWith(".wm")) files.push(path.join(folder, name));
    }
  }
  return files;
}

/// The scopes of the token at a column of a tokenised line.
function scopesAt(tokens, column) {
  const token = tokens.find((t) => t.startIndex <= column && column < t.endIndex);
  return token ? token.scopes.join(" ") : "";
}

test("the grammar reads every shipped procedure as the parser does", async () => {
  const waymark = await grammar();
  const files = procedures();
  assert.ok(files.length >= 10, `only ${files.length} procedures found`);
  let lines = 0;
  for (const file of files) {
    let state = textmate.INITIAL;
    const text = fs.readFileSync(path.join(root, file), "utf8");
    text.split("\n").forEach((line, index) => {
      const where = `${file}:${index + 1}`;
      const { tokens, ruleStack } = waymark.tokenizeLine(line, state);
      state = ruleStack;
      const trimmed = line.trimStart();
      if (trimmed === "") return;
      const start = line.length - trimmed.length;
      if (trimmed.startsWith("#")) {
        assert.match(scopesAt(tokens, start), /comment\.line/, where);
        return;
      }
      lines += 1;
      const word = trimmed.split(/[\s,]/)[0];
      const expected = ITEMS.includes(word) ? "keyword.other.item"
        : DECLARATIONS.includes(word) ? "keyword.other.declaration"
        : HEADER.includes(word) ? "keyword.other.header"
        : DETAILS.includes(word) ? "keyword.control" : null;
      assert.ok(expected, `${where}: unknown first word ${word}`);
      assert.ok(scopesAt(tokens, start).includes(expected), `${where}: ${word} is ${scopesAt(tokens, start)}`);
      if (ITEMS.includes(word)) {
        const name = start + word.length + 1;
        assert.match(scopesAt(tokens, name), /entity\.name\.function/, where);
      }
      // Inside quoted texts: string only, never a keyword or a comment.
      const texts = line.matchAll(/"(?:[^"\\]|\\.)*"/g);
      for (const match of texts) {
        for (let column = match.index; column < match.index + match[0].length; column += 1) {
          const scopes = scopesAt(tokens, column);
          assert.match(scopes, /string\.quoted\.double/, `${where}:${column + 1}`);
          assert.doesNotMatch(scopes, /keyword|comment/, `${where}:${column + 1}`);
        }
      }
    });
  }
  assert.ok(lines > 500, `only ${lines} lines of code read`);
});
