//! The server's state (the open documents and what it last published) and one handler per
//! request. Every handler returns a value or an error message; none may panic.

use crate::analysis::{Analysis, Disk, Open};
use crate::text::{LineIndex, path_to_uri, uri_to_path};
use crate::{complete, hover, navigate};
use chrono::NaiveDate;
use lsp_types::{
    CompletionParams, CompletionResponse, DiagnosticRelatedInformation, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentFormattingParams, DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location, MarkupContent, MarkupKind,
    NumberOrString, PublishDiagnosticsParams, ReferenceParams, RenameParams,
    TextDocumentPositionParams, TextEdit, Uri,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use waymark_diagnostics::{Diagnostic, FileId, Severity};

/// One document open in the editor.
struct Document {
    uri: Uri,
    text: String,
    version: i32,
    analysis: Analysis,
}

pub struct Server {
    disk: Box<dyn Disk>,
    today: NaiveDate,
    documents: BTreeMap<PathBuf, Document>,
    /// The files each open document last published diagnostics for, so they can be cleared.
    published: BTreeMap<PathBuf, BTreeSet<String>>,
}

/// The requests [`Server::request`] answers.
pub const REQUESTS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/completion",
    "textDocument/documentSymbol",
    "textDocument/formatting",
    "textDocument/rename",
];

/// What a handler gives back: a result, or an error message for the client.
pub type Answer = Result<Value, String>;

impl Server {
    pub fn new(disk: Box<dyn Disk>, today: NaiveDate) -> Server {
        Server {
            disk,
            today,
            documents: BTreeMap::new(),
            published: BTreeMap::new(),
        }
    }

    /// Handles a notification; returns the notifications to send (diagnostics).
    pub fn notify(&mut self, method: &str, params: Value) -> Result<Vec<(String, Value)>, String> {
        match method {
            "textDocument/didOpen" => {
                let params: DidOpenTextDocumentParams = parse(params)?;
                let item = params.text_document;
                self.put(item.uri, item.text, item.version);
            }
            "textDocument/didChange" => {
                let params: DidChangeTextDocumentParams = parse(params)?;
                // Full synchronisation: the last change holds the whole text.
                if let Some(change) = params.content_changes.into_iter().last() {
                    let document = params.text_document;
                    self.put(document.uri, change.text, document.version);
                }
            }
            "textDocument/didClose" => {
                let params: DidCloseTextDocumentParams = parse(params)?;
                let path = uri_to_path(&params.text_document.uri);
                self.documents.remove(&path);
                let cleared = self.published.remove(&path).unwrap_or_default();
                let mut out = self.reanalyse_all();
                for uri in cleared {
                    if !out
                        .iter()
                        .any(|(_, v)| v.get("uri") == Some(&Value::from(uri.clone())))
                    {
                        out.push(publish_empty(&uri));
                    }
                }
                return Ok(out);
            }
            _ => return Ok(Vec::new()),
        }
        Ok(self.reanalyse_all())
    }

    fn put(&mut self, uri: Uri, text: String, version: i32) {
        let path = uri_to_path(&uri);
        let analysis = Analysis::new(&path, &text, &Open::new(), self.disk.as_ref());
        self.documents.insert(
            path,
            Document {
                uri,
                text,
                version,
                analysis,
            },
        );
    }

    /// Runs every open document again (one of them, or a file one uses, changed), and gives
    /// the diagnostics of every file, each file once.
    fn reanalyse_all(&mut self) -> Vec<(String, Value)> {
        let open: Open = self
            .documents
            .iter()
            .map(|(path, d)| (path.clone(), d.text.clone()))
            .collect();
        for (path, document) in &mut self.documents {
            document.analysis = Analysis::new(path, &document.text, &open, self.disk.as_ref());
        }
        let mut by_file: BTreeMap<String, (Option<i32>, Vec<lsp_types::Diagnostic>)> =
            BTreeMap::new();
        for (path, document) in &self.documents {
            let mut touched = BTreeSet::new();
            let own = document.uri.as_str().to_string();
            by_file.entry(own.clone()).or_default().0 = Some(document.version);
            touched.insert(own);
            for diagnostic in &document.analysis.diagnostics {
                let Some((uri, converted)) = convert(&document.analysis, diagnostic) else {
                    continue;
                };
                let entry = by_file.entry(uri.clone()).or_default();
                if !entry.1.contains(&converted) {
                    entry.1.push(converted);
                }
                touched.insert(uri);
            }
            let before = self.published.insert(path.clone(), touched.clone());
            for stale in before.unwrap_or_default().difference(&touched) {
                by_file.entry(stale.clone()).or_default();
            }
        }
        by_file
            .into_iter()
            .filter_map(|(uri, (version, diagnostics))| {
                let params = PublishDiagnosticsParams {
                    uri: uri.parse().ok()?,
                    diagnostics,
                    version,
                };
                let value = serde_json::to_value(params).ok()?;
                Some(("textDocument/publishDiagnostics".to_string(), value))
            })
            .collect()
    }

    /// Handles a request.
    pub fn request(&mut self, method: &str, params: Value) -> Answer {
        match method {
            "textDocument/hover" => {
                let params: HoverParams = parse(params)?;
                let (document, offset) = self.at(&params.text_document_position_params)?;
                let text = hover::hover(&document.analysis, offset, self.today);
                to_value(text.map(|value| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value,
                    }),
                    range: None,
                }))
            }
            "textDocument/definition" => {
                let params: GotoDefinitionParams = parse(params)?;
                let (document, offset) = self.at(&params.text_document_position_params)?;
                let found = navigate::definition(&document.analysis, offset);
                to_value(found.map(GotoDefinitionResponse::Scalar))
            }
            "textDocument/references" => {
                let params: ReferenceParams = parse(params)?;
                let (document, offset) = self.at(&params.text_document_position)?;
                let declaration = params.context.include_declaration;
                let found: Vec<Location> =
                    navigate::references(&document.analysis, offset, declaration);
                to_value(found)
            }
            "textDocument/completion" => {
                let params: CompletionParams = parse(params)?;
                let (document, offset) = self.at(&params.text_document_position)?;
                let items = complete::complete(&document.analysis, offset);
                to_value(CompletionResponse::Array(items))
            }
            "textDocument/documentSymbol" => {
                let params: DocumentSymbolParams = parse(params)?;
                let document = self.document(&params.text_document.uri)?;
                let outline = navigate::outline(&document.analysis);
                to_value(DocumentSymbolResponse::Nested(outline))
            }
            "textDocument/formatting" => {
                let params: DocumentFormattingParams = parse(params)?;
                let document = self.document(&params.text_document.uri)?;
                let edits: Vec<TextEdit> = match waymark_fmt::format_text(&document.text) {
                    Some(formatted) if formatted != document.text => {
                        let whole = LineIndex::new(&document.text).whole();
                        vec![TextEdit::new(whole, formatted)]
                    }
                    _ => Vec::new(),
                };
                to_value(edits)
            }
            "textDocument/rename" => {
                let params: RenameParams = parse(params)?;
                self.rename(&params.text_document_position, &params.new_name)
            }
            _ => Err(format!("unsupported request `{method}`")),
        }
    }

    fn rename(&self, at: &TextDocumentPositionParams, new_name: &str) -> Answer {
        if !navigate::valid_name(new_name) {
            return Err(format!(
                "`{new_name}` is not a Waymark name: use lower_snake_case, such as `initial_visit`, and not a keyword"
            ));
        }
        let (document, offset) = self.at(at)?;
        let target = navigate::renamable(&document.analysis, offset)
            .ok_or("there is no step, role or fact name here to rename")?;
        navigate::may_rename(&document.analysis, target, new_name)?;
        let mut changes: BTreeMap<String, Vec<TextEdit>> = BTreeMap::new();
        let edits = navigate::rename_in(&document.analysis, target, new_name);
        navigate::add_edits(&mut changes, &document.uri, edits);
        let renamed = uri_to_path(&document.uri);
        for (path, other) in &self.documents {
            if other.uri != document.uri {
                let edits = navigate::rename_in_other(
                    &other.analysis,
                    path,
                    &document.analysis,
                    &renamed,
                    target,
                    new_name,
                );
                navigate::add_edits(&mut changes, &other.uri, edits);
            }
        }
        // A workspace edit's `changes`, written out by hand: see `navigate::add_edits`.
        to_value(serde_json::json!({ "changes": changes }))
    }

    fn document(&self, uri: &Uri) -> Result<&Document, String> {
        self.documents
            .get(&uri_to_path(uri))
            .ok_or_else(|| format!("`{}` is not open", uri.as_str()))
    }

    /// The document and byte offset of a position.
    fn at(&self, at: &TextDocumentPositionParams) -> Result<(&Document, usize), String> {
        let document = self.document(&at.text_document.uri)?;
        let offset = LineIndex::new(&document.text).offset(at.position);
        Ok((document, offset))
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, String> {
    serde_json::from_value(params).map_err(|error| format!("bad parameters: {error}"))
}

fn to_value<T: serde::Serialize>(value: T) -> Answer {
    serde_json::to_value(value).map_err(|error| error.to_string())
}

fn publish_empty(uri: &str) -> (String, Value) {
    let value = serde_json::json!({ "uri": uri, "diagnostics": [] });
    ("textDocument/publishDiagnostics".to_string(), value)
}

/// A Waymark diagnostic for the protocol, with the URI of the file it is in: the same code,
/// message, help and notes as `waymark check`, and its other labels as related places.
fn convert(
    analysis: &Analysis,
    diagnostic: &Diagnostic,
) -> Option<(String, lsp_types::Diagnostic)> {
    let place = |file: FileId, start: u32, end: u32| {
        let uri = path_to_uri(&analysis.path_of(file))?;
        let range = LineIndex::new(analysis.text_of(file)).range(start as usize, end as usize);
        Some(Location::new(uri, range))
    };
    let span = diagnostic.primary.span;
    let primary = place(span.file, span.start, span.end)?;
    let mut message = diagnostic.message.clone();
    if !diagnostic.primary.text.is_empty() {
        message.push_str(&format!(": {}", diagnostic.primary.text));
    }
    if !diagnostic.help.is_empty() {
        message.push_str(&format!("\nhelp: {}", diagnostic.help));
    }
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .related
        .iter()
        .filter_map(|label| {
            let location = place(label.span.file, label.span.start, label.span.end)?;
            Some(DiagnosticRelatedInformation {
                location,
                message: label.text.clone(),
            })
        })
        .collect();
    let severity = match diagnostic.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    };
    let converted = lsp_types::Diagnostic {
        range: primary.range,
        severity: Some(severity),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        source: Some("waymark".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    };
    Some((primary.uri.as_str().to_string(), converted))
}
