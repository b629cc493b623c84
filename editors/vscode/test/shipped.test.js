// The grammar on every shipped procedure and example: each line's first word is a keyword of
// its kind (or the line goes on with a quoted text), each name an item declares is a name,
// every quoted text is a string (with no keyword or comment inside), and every comment is a
// comment. And the extension's wiring: the manifest's files exist, and activating it starts
// `waymark lsp` for Waymark files (with stand-ins for VS Code). Run with `node --test test/`.
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
const DETAILS = ["by", "due", "target", "overrun", "untimed", "waivable", "may", "optional",
  "outcomes", "on", "then", "otherwise", "all", "any", "at", "every", "until", "cite", "approved", "extendable"];

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
  let continuations = 0;
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
      if (trimmed.startsWith('"')) {
        // A line that goes on with the text above: a string, in a continuation.
        assert.match(scopesAt(tokens, start), /meta\.text-continuation.*string\.quoted/, where);
        continuations += 1;
        checkTexts(line, tokens, where);
        return;
      }
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
      checkTexts(line, tokens, where);
    });
  }
  assert.ok(lines > 500, `only ${lines} lines of code read`);
  assert.ok(continuations > 0, "no shipped procedure continues a text on the next line");
});

/// Inside quoted texts: string only, never a keyword or a comment.
function checkTexts(line, tokens, where) {
  const texts = line.matchAll(/"(?:[^"\\]|\\.)*"/g);
  for (const match of texts) {
    for (let column = match.index; column < match.index + match[0].length; column += 1) {
      const scopes = scopesAt(tokens, column);
      assert.match(scopes, /string\.quoted\.double/, `${where}:${column + 1}`);
      assert.doesNotMatch(scopes, /keyword|comment/, `${where}:${column + 1}`);
    }
  }
}

test("the manifest names files that exist, and the client starts `waymark lsp`", async () => {
  const folder = path.join(__dirname, "..");
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8"));
  const [language] = manifest.contributes.languages;
  const [grammarEntry] = manifest.contributes.grammars;
  assert.deepStrictEqual(language.extensions, [".wm"]);
  assert.strictEqual(grammarEntry.language, language.id);
  const configuration = JSON.parse(fs.readFileSync(path.join(folder, language.configuration), "utf8"));
  assert.strictEqual(configuration.comments.lineComment, "#");
  const grammarFile = JSON.parse(fs.readFileSync(path.join(folder, grammarEntry.path), "utf8"));
  assert.strictEqual(grammarFile.scopeName, grammarEntry.scopeName);

  // Load extension.js with stand-ins for VS Code and its language client, and activate it.
  const started = [];
  const fakes = {
    vscode: {
      workspace: { getConfiguration: () => ({ get: (_key, fallback) => fallback }) },
      window: { showErrorMessage: (message) => started.push({ error: message }) },
    },
    "vscode-languageclient/node": {
      TransportKind: { stdio: 0 },
      LanguageClient: class {
        constructor(id, name, server, client) {
          started.push({ id, server, client });
        }
        start() { return Promise.resolve(); }
        stop() { return Promise.resolve(); }
        dispose() {}
      },
    },
  };
  const Module = require("node:module");
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request in fakes ? fakes[request] : load.call(this, request, ...rest);
  };
  try {
    const extension = require(path.join(folder, manifest.main));
    const context = { subscriptions: [] };
    await extension.activate(context);
    assert.strictEqual(started.length, 1, JSON.stringify(started));
    const [{ id, server, client }] = started;
    assert.strictEqual(id, "waymark");
    assert.deepStrictEqual([server.run.command, server.run.args], ["waymark", ["lsp"]]);
    assert.deepStrictEqual(client.documentSelector, [{ language: "waymark" }]);
    assert.strictEqual(context.subscriptions.length, 1);
  } finally {
    Module._load = load;
  }
});
