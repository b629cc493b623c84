//! Following `use` lines: loading, parsing and ordering the files a procedure is built from.

use waymark_diagnostics::{Code, Diagnostic, FileId};
use waymark_syntax::{Document, Use};

/// Reads the files named by `use` lines. The compiler does no IO itself: the CLI (or a test)
/// provides this.
pub trait Loader {
    /// Loads the file that a `use` line in `from` names as `path` (relative to `from`). Loading
    /// the same file twice must give the same [`FileId`]. Returns the file's id and text, or a
    /// short reason why it could not be read.
    fn load(&mut self, from: FileId, path: &str) -> Result<(FileId, String), String>;
}

/// A loader for procedures that use nothing: every `use` line fails to load.
pub struct NoFiles;

impl Loader for NoFiles {
    fn load(&mut self, _from: FileId, path: &str) -> Result<(FileId, String), String> {
        Err(format!("`{path}` cannot be read here"))
    }
}

/// The root document first, then every used document once, in the order first used.
pub fn load_all(
    root: Document,
    loader: &mut dyn Loader,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Document> {
    let mut documents = vec![root];
    let mut stack = vec![0usize];
    visit(0, &mut documents, &mut stack, loader, diagnostics);
    documents
}

fn visit(
    index: usize,
    documents: &mut Vec<Document>,
    stack: &mut Vec<usize>,
    loader: &mut dyn Loader,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let uses = documents
        .get(index)
        .map_or(Vec::new(), |document| document.uses.clone());
    let from = documents
        .get(index)
        .map_or(FileId::default(), |document| document.file);
    for used in uses {
        let (file, text) = match loader.load(from, &used.path.value) {
            Ok(loaded) => loaded,
            Err(reason) => {
                diagnostics.push(unreadable(&used, &reason));
                continue;
            }
        };
        if let Some(position) = stack
            .iter()
            .position(|i| documents.get(*i).is_some_and(|d| d.file == file))
        {
            diagnostics.push(cycle(&used, documents, &stack[position..]));
            continue;
        }
        if documents.iter().any(|document| document.file == file) {
            continue;
        }
        let parsed = waymark_syntax::parse(file, &text);
        if parsed.diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.push(unreadable(&used, "it has syntax errors, shown below"));
        }
        diagnostics.extend(parsed.diagnostics);
        check_name(&used, &parsed.document, diagnostics);
        documents.push(parsed.document);
        let child = documents.len() - 1;
        stack.push(child);
        visit(child, documents, stack, loader, diagnostics);
        stack.pop();
    }
}

fn unreadable(used: &Use, reason: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UsedFileUnreadable,
        used.path.span,
        format!("cannot use `{}`: {reason}", used.path.value),
    )
    .label("this file")
    .help("the path is relative to the file with the `use` line; check the name and that the file is a valid procedure")
}

fn cycle(used: &Use, documents: &[Document], loop_files: &[usize]) -> Diagnostic {
    let names: Vec<String> = loop_files
        .iter()
        .filter_map(|i| documents.get(*i))
        .filter_map(|d| d.header.as_ref().map(|h| format!("`{}`", h.id.text)))
        .collect();
    let message = match names.as_slice() {
        [one] => format!("{one} uses itself"),
        _ => format!("{} use each other in a circle", names.join(" -> ")),
    };
    Diagnostic::new(
        Code::UseCycle,
        used.span,
        message,
    )
    .label("this `use` closes the circle")
    .help("a sub-procedure must not use the procedure that uses it; move the shared steps into a third file")
}

/// The name in `use NAME from "FILE"` must be the procedure that FILE declares.
fn check_name(used: &Use, document: &Document, diagnostics: &mut Vec<Diagnostic>) {
    let Some(header) = &document.header else {
        return;
    };
    if header.id.text != used.procedure.text {
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownProcedure,
                used.procedure.span,
                format!(
                    "`{}` declares the procedure `{}`, not `{}`",
                    used.path.value, header.id.text, used.procedure.text
                ),
            )
            .label("does not match the file's `procedure` line")
            .help(format!(
                "write `use {} from \"{}\"`",
                header.id.text, used.path.value
            )),
        );
    }
}
