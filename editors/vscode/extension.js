// The Waymark extension: starts `waymark lsp` (the language server) for `.wm` files. The
// highlighting comes from syntaxes/waymark.tmLanguage.json and needs no code.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("waymark").get("server.path", "waymark");
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "waymark",
    "Waymark",
    { run: server, debug: server },
    { documentSelector: [{ language: "waymark" }] },
  );
  context.subscriptions.push(client);
  return client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `Waymark: could not start \`${command} lsp\` (${error.message}). ` +
        "Install Waymark (cargo install --path .) or set waymark.server.path.",
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
