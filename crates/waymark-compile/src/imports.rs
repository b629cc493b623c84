//! Following `use` lines: loading, parsing and ordering the files a procedure is built from.
#![allow(
    clippy::indexing_slicing,
    reason = "the position is found in the same path list"
)]

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
    visit(&mut documents, loader, diagnostics);
    documents
}

/// How deep `use` lines may nest. A real procedure nests a few files; a loader that cannot tell
/// a file it has read before would otherwise follow a circle of uses for ever.
const DEEPEST_USE: usize = 256;

/// One file on the path being followed, and which of its `use` lines comes next.
struct Frame {
    document: usize,
    uses: Vec<Use>,
    next: usize,
}

/// Follows `use` lines depth first from the root, with an explicit stack rather than recursion,
/// so a long chain of files cannot overflow the call stack. The frames are the path from the
/// root, which is what a circle of uses is found on.
fn visit(
    documents: &mut Vec<Document>,
    loader: &mut dyn Loader,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let frame = |index: usize, documents: &[Document]| Frame {
        document: index,
        uses: documents
            .get(index)
            .map_or(Vec::new(), |document| document.uses.clone()),
        next: 0,
    };
    let mut path = vec![frame(0, documents)];
    while let Some(top) = path.last_mut() {
        let Some(used) = top.uses.get(top.next).cloned() else {
            path.pop();
            continue;
        };
        top.next += 1;
        let from = documents
            .get(top.document)
            .map_or(FileId::default(), |document| document.file);
        let (file, text) = match loader.load(from, &used.path.value) {
            Ok(loaded) => loaded,
            Err(reason) => {
                diagnostics.push(unreadable(&used, &reason));
                continue;
            }
        };
        if path.len() > DEEPEST_USE {
            diagnostics.push(unreadable(
                &used,
                &format!("`use` lines are nested more than {DEEPEST_USE} files deep; do the files use each other in a circle?"),
            ));
            continue;
        }
        let on_path: Vec<usize> = path.iter().map(|f| f.document).collect();
        if let Some(position) = on_path
            .iter()
            .position(|i| documents.get(*i).is_some_and(|d| d.file == file))
        {
            diagnostics.push(cycle(&used, documents, &on_path[position..]));
            continue;
        }
        if documents.iter().any(|document| document.file == file) {
            continue;
        }
        let parsed = waymark_syntax::parse(file, &text);
        if parsed.document.header.is_none() {
            // Not a procedure at all (`use x from "/etc/shadow"`): its lines are not shown,
            // since a diagnostic quoting them could print a private file to a log.
            diagnostics.push(unreadable(
                &used,
                "it is not a procedure (it has no `procedure` line), so none of it is shown",
            ));
            continue;
        }
        if parsed.diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.push(unreadable(&used, "it has syntax errors, shown below"));
        }
        diagnostics.extend(parsed.diagnostics);
        check_name(&used, &parsed.document, diagnostics);
        documents.push(parsed.document);
        let child = documents.len() - 1;
        path.push(frame(child, documents));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A loader that gives every load a new file id, as a loader without a cache would.
    struct Fresh(u32);

    impl Loader for Fresh {
        fn load(&mut self, _from: FileId, _path: &str) -> Result<(FileId, String), String> {
            self.0 += 1;
            Ok((
                FileId(self.0),
                "procedure a \"A\"\nuse a from \"a.wm\"\n".to_string(),
            ))
        }
    }

    #[test]
    fn a_loader_without_a_cache_still_ends() {
        // The walk used to recurse once per file, and ended here only when the parser, deep
        // in that recursion, hit its own call limit.
        let text = "procedure a \"A\"\nuse a from \"a.wm\"\n";
        let root = waymark_syntax::parse(FileId(0), text).document;
        let mut diagnostics = Vec::new();
        let documents = load_all(root, &mut Fresh(0), &mut diagnostics);
        assert!(documents.len() <= DEEPEST_USE + 1, "{}", documents.len());
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message.contains("nested more than"))
        );
    }
}
