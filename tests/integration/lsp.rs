//! `waymark lsp` driven over standard input and output with real JSON-RPC messages, as an
//! editor drives it: initialize, diagnostics as the text changes, hover, definition,
//! references, completion, rename, formatting, outline, shutdown and exit; and every request
//! answered on thousands of half-typed (mutated) files.

use crate::cli::Scratch;
use crate::robustness::{Random, mutate, seeds};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// A language client talking to a `waymark lsp` child process.
struct Client {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
            .args(["lsp", "--today", "2026-01-05"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let output = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            input,
            messages,
            next_id: 0,
            notifications: Vec::new(),
        };
        let answer = client.request("initialize", json!({ "capabilities": {} }));
        assert_eq!(
            answer["result"]["capabilities"]["hoverProvider"], true,
            "{answer}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.input, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.input.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (the whole response, error or result).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(20))
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            if message.get("id") == Some(&json!(id)) {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// The diagnostics last published for `uri`, after the server has caught up.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        // A request after the notifications makes the server answer everything before it.
        let _ = self.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        );
        self.notifications
            .iter()
            .rev()
            .find(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
            .map(|n| n["params"]["diagnostics"].as_array().unwrap().clone())
            .unwrap_or_else(|| panic!("no diagnostics for {uri}"))
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "waymark", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn at(
        &mut self,
        method: &str,
        uri: &str,
        (line, character): (usize, usize),
        extra: Value,
    ) -> Value {
        let mut params = json!({
            "textDocument": { "uri": uri },
            "position": { "line": line, "character": character },
        });
        if let (Some(params), Some(extra)) = (params.as_object_mut(), extra.as_object()) {
            params.extend(extra.clone());
        }
        self.request(method, params)
    }

    fn stop(mut self) -> i32 {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer["result"], Value::Null, "{answer}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        status.code().unwrap_or(-1)
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The line and column of the first `needle` in `text`, plus `shift` columns.
fn find(text: &str, needle: &str, shift: usize) -> (usize, usize) {
    let at = text.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1);
    (line, column + shift)
}

const HELPER: &str = "procedure helper \"Helper\"\nrole manager \"Social Work Manager\"\nstart help\n\nstep help \"Help\"\n  by manager\n  untimed \"no limit\"\n  then helped\n\nend helped \"Helped\"\n";

/// A procedure with a mistake (`then initial_vist`), and the same procedure fixed.
const BROKEN: &str = "# WM0101 is an unknown keyword\nprocedure main \"Main\"\n  calendar england-and-wales\n  source protocol \"Protocol\" updated 2025-12-10\nuse helper from \"helper.wm\"\nrole manager \"Social Work Manager\"\nrole worker \"Social Worker\"\nstart referral\n\nstep referral \"Referral\"\n  by manager\n  untimed \"the clock starts here\"\n  then initial_vist\n\nstep initial_visit \"Initial visit\"\n  by worker or manager\n  due 5 working days after referral\n  cite protocol \"within five working days\"\n  then choice\n\ndecision choice \"Choice\"\n  by manager\n  untimed \"decided at once\"\n  outcomes help, close\n  on help then helper\n  on close then closed\n\nend closed \"Closed\"\n";

fn uri(path: &str) -> String {
    format!("file://{path}")
}

#[test]
fn an_editor_session_over_stdio() {
    let scratch = Scratch::new("lsp");
    scratch.file("helper.wm", HELPER.as_bytes());
    let main = uri(&scratch.file("main.wm", BROKEN.as_bytes()));
    let fixed = BROKEN.replace("then initial_vist", "then initial_visit");
    let mut client = Client::start();

    client.open(&main, BROKEN);
    let diagnostics = client.diagnostics(&main);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0]["code"].as_str().unwrap().starts_with("WM02"),
        "{diagnostics:?}"
    );
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 12);
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("initial_visit"),
        "{diagnostics:?}"
    );

    client.change(&main, 2, &fixed);
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new());

    // Hover on a step: title, who, deadline in words, citation.
    let hover = client.at(
        "textDocument/hover",
        &main,
        find(&fixed, "then initial_visit", 7),
        json!({}),
    );
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    for part in [
        "Initial visit",
        "Social Worker or Social Work Manager",
        "due 5 working days after `referral`",
        "protocol \"within five working days\"",
    ] {
        assert!(text.contains(part), "{part} not in {text}");
    }
    // Hover on a deadline: in words, with a date counted from --today (Monday 5 January 2026).
    let hover = client.at(
        "textDocument/hover",
        &main,
        find(&fixed, "due 5", 2),
        json!({}),
    );
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        text.contains("Monday 12 January 2026 (2026-01-12)"),
        "{text}"
    );
    // Hover on a code: its explanation.
    let hover = client.at("textDocument/hover", &main, (0, 4), json!({}));
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        text.contains("WM0101") && text.contains("unknown-keyword"),
        "{text}"
    );

    // Definition: from a use of a step to its line; from a `use` name to the other file.
    let definition = client.at(
        "textDocument/definition",
        &main,
        find(&fixed, "then initial_visit", 6),
        json!({}),
    );
    assert_eq!(definition["result"]["uri"], main);
    assert_eq!(
        definition["result"]["range"]["start"],
        json!({ "line": 14, "character": 5 })
    );
    let definition = client.at(
        "textDocument/definition",
        &main,
        find(&fixed, "use helper", 5),
        json!({}),
    );
    assert!(
        definition["result"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/helper.wm"),
        "{definition}"
    );

    // References to a role, with and without its declaration.
    let at = find(&fixed, "role manager", 6);
    let with = client.at(
        "textDocument/references",
        &main,
        at,
        json!({ "context": { "includeDeclaration": true } }),
    );
    assert_eq!(with["result"].as_array().unwrap().len(), 4, "{with}");
    let without = client.at(
        "textDocument/references",
        &main,
        at,
        json!({ "context": { "includeDeclaration": false } }),
    );
    assert_eq!(without["result"].as_array().unwrap().len(), 3, "{without}");

    // Completion: steps after `then`, the closest first; keywords at the start of a line.
    let typing = fixed.replace("  then choice", "  then choic");
    client.change(&main, 3, &typing);
    let completion = client.at(
        "textDocument/completion",
        &main,
        find(&typing, "then choic", 10),
        json!({}),
    );
    let labels: Vec<&str> = completion["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.first(), Some(&"choice"), "{labels:?}");
    assert!(
        labels.contains(&"helper") && labels.contains(&"referral"),
        "{labels:?}"
    );
    let completion = client.at(
        "textDocument/completion",
        &main,
        find(&typing, "  by manager\n  untimed", 0),
        json!({}),
    );
    let labels: Vec<&str> = completion["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"step") && labels.contains(&"due"),
        "{labels:?}"
    );
    let decision_line = find(&typing, "  on help", 5);
    let completion = client.at("textDocument/completion", &main, decision_line, json!({}));
    let labels: Vec<&str> = completion["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"help") && labels.contains(&"close"),
        "{labels:?}"
    );
    client.change(&main, 4, &fixed);

    // Rename a role everywhere; a bad name is refused.
    let rename = client.at(
        "textDocument/rename",
        &main,
        find(&fixed, "role worker", 6),
        json!({ "newName": "practitioner" }),
    );
    let edits = rename["result"]["changes"][&main].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{rename}");
    assert!(edits.iter().all(|e| e["newText"] == "practitioner"));
    let refused = client.at(
        "textDocument/rename",
        &main,
        find(&fixed, "role worker", 6),
        json!({ "newName": "Not A Name" }),
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("lower_snake_case"),
        "{refused}"
    );
    let at = find(&fixed, "role worker", 6);
    let taken = client.at(
        "textDocument/rename",
        &main,
        at,
        json!({ "newName": "manager" }),
    );
    let message = taken["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("already a role"), "{taken}");
    let at = find(&fixed, "then helper", 6);
    let used = client.at(
        "textDocument/rename",
        &main,
        at,
        json!({ "newName": "other" }),
    );
    let message = used["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("used procedure"), "{used}");

    // Formatting goes through `waymark fmt`.
    let messy = fixed.replace("  by manager\n  untimed", "by   manager\n\t untimed");
    client.change(&main, 5, &messy);
    let formatting = client.request("textDocument/formatting", json!({ "textDocument": { "uri": main }, "options": { "tabSize": 2, "insertSpaces": true } }));
    let edits = formatting["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{formatting}");
    assert_eq!(edits[0]["newText"], fixed);

    // The outline.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": main } }),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "manager",
            "worker",
            "referral",
            "initial_visit",
            "choice",
            "closed"
        ]
    );

    let unknown = client.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": main } }),
    );
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");

    assert_eq!(client.stop(), 0);
}

#[test]
fn problems_in_a_used_file_are_published_for_that_file() {
    let scratch = Scratch::new("lsp-used");
    let broken_helper = HELPER.replace("then helped", "then helpd");
    let helper = uri(&scratch.file("helper.wm", broken_helper.as_bytes()));
    let fixed = BROKEN.replace("then initial_vist", "then initial_visit");
    let main = uri(&scratch.file("main.wm", fixed.as_bytes()));
    let mut client = Client::start();
    client.open(&main, &fixed);
    let diagnostics = client.diagnostics(&helper);
    assert!(!diagnostics.is_empty(), "{:?}", client.notifications);
    assert!(
        diagnostics.iter().any(|d| d["range"]["start"]["line"] == 7),
        "{diagnostics:?}"
    );
    // The unsaved text of an open file is what counts, not the disk.
    client.open(&helper, HELPER);
    assert_eq!(client.diagnostics(&helper), Vec::<Value>::new());
    // Roles are shared by files joined with `use`: renaming one renames it in both.
    let rename = client.at(
        "textDocument/rename",
        &helper,
        (1, 6),
        json!({ "newName": "lead" }),
    );
    let changes = &rename["result"]["changes"];
    assert_eq!(changes[&helper].as_array().unwrap().len(), 2, "{rename}");
    assert_eq!(changes[&main].as_array().unwrap().len(), 4, "{rename}");
    assert_eq!(client.stop(), 0);
}

/// How many half-typed texts the server is given, each asked every kind of request.
const ROUNDS: usize = 1_500;

#[test]
fn every_request_on_half_typed_files_is_answered() {
    let seeds = seeds();
    let mut random = Random(0x15b0_77ed_0001);
    let mut client = Client::start();
    let scratch = Scratch::new("lsp-fuzz");
    let file = uri(&scratch.0.join("typing.wm").to_string_lossy());
    client.open(&file, "");
    let requests = [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/completion",
        "textDocument/rename",
    ];
    let mut answered = 0;
    for round in 0..ROUNDS {
        let (_, seed) = &seeds[round % seeds.len()];
        let text = mutate(seed, &mut random);
        client.change(&file, round as i64 + 2, &text);
        let lines = text.lines().count().max(1);
        for method in requests {
            let position = (random.below(lines + 1), random.below(40));
            let extra = json!({ "context": { "includeDeclaration": true }, "newName": "renamed" });
            let answer = client.at(method, &file, position, extra);
            assert!(
                answer.get("result").is_some() || answer["error"]["code"] == -32602,
                "{method} on round {round}: {answer}"
            );
            answered += 1;
        }
        for method in ["textDocument/documentSymbol", "textDocument/formatting"] {
            let answer = client.request(method, json!({ "textDocument": { "uri": file }, "options": { "tabSize": 2, "insertSpaces": true } }));
            assert!(
                answer.get("result").is_some(),
                "{method} on round {round}: {answer}"
            );
        }
    }
    assert_eq!(answered, ROUNDS * requests.len());
    assert_eq!(client.stop(), 0);
}

/// A procedure whose title, untimed reason and citation run over several lines.
const CONTINUED: &str = "procedure continued \"Texts that go on\"\n  source wt2023 \"Working Together\"\nrole manager \"Social Work Manager\"\nfact urgency \"How urgent the\"  # a note\n              \"referral is\" is one of low, high\nstart referral\n\nstep referral \"Referral received at the\"\n              \"front door\"\n  by manager\n  untimed \"the clock starts\"\n          \"on the day the referral comes in\"\n  cite wt2023 \"a decision about the type of response\"\n              \"that is needed\" in \"Chapter 2\"\n  then closed\n\nend closed \"Closed\"\n";

#[test]
fn continued_texts_in_an_editor() {
    let scratch = Scratch::new("lsp-continued");
    let main = uri(&scratch.file("main.wm", CONTINUED.as_bytes()));
    let mut client = Client::start();
    client.open(&main, CONTINUED);
    // One warning (the fact is never read), on the fact's two lines: a range over both.
    let diagnostics = client.diagnostics(&main);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "WM0312");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({ "line": 3, "character": 0 })
    );
    assert_eq!(diagnostics[0]["range"]["end"]["line"], 4);

    let hover_text = |client: &mut Client, at| {
        let hover = client.at("textDocument/hover", &main, at, json!({}));
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    // Hover on the step: its title, reason and citation each whole.
    let text = hover_text(&mut client, find(CONTINUED, "step referral", 6));
    for part in [
        "Referral received at the front door",
        "no time limit: the clock starts on the day the referral comes in",
        "wt2023 \"a decision about the type of response that is needed\", in \"Chapter 2\"",
    ] {
        assert!(text.contains(part), "{part} not in {text}");
    }
    // Hover on the second line of a citation: the citation whole.
    let text = hover_text(&mut client, find(CONTINUED, "\"that is needed", 3));
    assert!(
        text.contains("a decision about the type of response that is needed\", in \"Chapter 2\""),
        "{text}"
    );
    // A fact whose title goes on: its title whole and its kind.
    let text = hover_text(&mut client, find(CONTINUED, "fact urgency", 6));
    assert!(
        text.contains("How urgent the referral is") && text.contains("is one of low, high"),
        "{text}"
    );

    // Rename a step named on a line whose title goes on: the edit is the name alone.
    let rename = client.at(
        "textDocument/rename",
        &main,
        find(CONTINUED, "step referral", 6),
        json!({ "newName": "referral_received" }),
    );
    let edits = rename["result"]["changes"][&main].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{rename}");
    assert!(edits.iter().all(|e| {
        let range = &e["range"];
        range["start"]["line"] == range["end"]["line"]
            && range["end"]["character"].as_u64().unwrap()
                - range["start"]["character"].as_u64().unwrap()
                == 8
    }));

    // No completion on a line that goes on with a text.
    let completion = client.at(
        "textDocument/completion",
        &main,
        find(CONTINUED, "\"front door\"", 12),
        json!({}),
    );
    assert_eq!(completion["result"], json!([]), "{completion}");

    // Formatting joins texts that fit on one line, and keeps them the same texts.
    let formatting = client.request("textDocument/formatting", json!({ "textDocument": { "uri": main }, "options": { "tabSize": 2, "insertSpaces": true } }));
    let edits = formatting["result"].as_array().unwrap();
    let formatted = edits[0]["newText"].as_str().unwrap();
    assert!(
        formatted.contains("step referral \"Referral received at the front door\"\n"),
        "{formatted}"
    );
    assert!(
        formatted.contains(
            "# a note\nfact urgency \"How urgent the referral is\" is one of low, high\n"
        ),
        "{formatted}"
    );
    assert_eq!(client.stop(), 0);
}

/// A header claiming a 2 GB message (with a two-byte body) made the server allocate 2 GB
/// before failing; now the message is refused unread, the editor is told why, and the server
/// ends with exit 1, in well under the memory the header asked for.
#[test]
fn a_message_larger_than_the_cap_closes_the_connection_unread() {
    let initialize =
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    let input = format!(
        "Content-Length: {}\r\n\r\n{initialize}Content-Length: 2000000000\r\n\r\n{{}}",
        initialize.len()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .args(["lsp", "--today", "2026-01-05"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let peak_kb = crate::cli::peak_memory_until_done(&mut child);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let refused = "a message of 2000000000 bytes (its Content-Length) is more than the 64 MiB the Waymark language server reads, so the connection is closed";
    assert_eq!(
        stderr,
        format!("error: the language server's connection broke: {refused}\n")
    );
    assert!(stdout.contains("\"window/showMessage\""), "{stdout}");
    assert!(stdout.contains(refused), "{stdout}");
    assert!(peak_kb < 200_000, "peak {peak_kb} kB");
}
