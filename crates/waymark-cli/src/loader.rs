//! Reading the files named by `use` lines, for the compiler (which does no IO itself).

use crate::input::{ReadFailure, read_text};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use waymark_diagnostics::{FileId, Sources};

/// Loads files relative to the file that uses them, each file once (by its canonical path), so
/// a sub-procedure used from two procedures is one file with one set of diagnostics.
pub struct FileLoader<'s> {
    pub sources: &'s mut Sources,
    known: HashMap<PathBuf, FileId>,
}

impl<'s> FileLoader<'s> {
    pub fn new(sources: &'s mut Sources) -> Self {
        FileLoader {
            sources,
            known: HashMap::new(),
        }
    }

    /// Reads a file named on the command line, sharing its id if a `use` line loaded it already.
    pub fn read(&mut self, path: &str) -> Result<FileId, ReadFailure> {
        // `-` means standard input elsewhere on the command line (a command's cases), so it is
        // named as such, not looked for as a file called `-`.
        if path == "-" {
            return Err(ReadFailure::Missing(FROM_STDIN.to_string()));
        }
        let canonical = std::fs::canonicalize(path).ok();
        if let Some(file) = canonical.as_ref().and_then(|c| self.known.get(c)) {
            return Ok(*file);
        }
        let file = read_text(path, self.sources)?;
        if let Some(canonical) = canonical {
            self.known.insert(canonical, file);
        }
        Ok(file)
    }

    pub fn text(&self, file: FileId) -> String {
        self.sources
            .get(file)
            .map(|f| f.text.clone())
            .unwrap_or_default()
    }
}

impl waymark_compile::Loader for FileLoader<'_> {
    fn load(&mut self, from: FileId, path: &str) -> Result<(FileId, String), String> {
        let base = Path::new(self.sources.name(from))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let full = tidy(&base.join(path));
        let shown = full.to_string_lossy().into_owned();
        match self.read(&shown) {
            Ok(file) => Ok((file, self.text(file))),
            Err(ReadFailure::Missing(message)) => Err(message),
            Err(ReadFailure::Unusable(diagnostic)) => Err(diagnostic.message),
        }
    }
}

/// Why `-` is refused where a procedure is read. A procedure is read whole, with the files its
/// `use` lines name beside it, so only `waymark check` and `waymark fmt` take one from `-`.
pub const FROM_STDIN: &str = "reading a procedure from standard input (`-`) is not supported here: save it to a file and give the file's path";

/// `a/b/../c` becomes `a/c`, so messages name files the way a person would.
fn tidy(path: &Path) -> PathBuf {
    let mut tidy = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if tidy.file_name().is_some_and(|n| n != "..") => {
                tidy.pop();
            }
            other => tidy.push(other),
        }
    }
    tidy
}

/// Reads, parses, compiles and checks a procedure file for a command that uses it (run, test,
/// import): the procedure, or its errors (warnings are `waymark check`'s business and are not
/// repeated), or why the file could not be read.
pub fn load_checked(
    path: &str,
    sources: &mut Sources,
) -> Result<Result<waymark_compile::Procedure, Vec<waymark_diagnostics::Diagnostic>>, ReadFailure> {
    let mut loader = FileLoader::new(sources);
    let file = loader.read(path)?;
    if let Some(mixed_up) = crate::file_kind::test_file_as_procedure(file, loader.sources) {
        return Ok(Err(vec![mixed_up]));
    }
    let text = loader.text(file);
    let options = waymark_check::CheckOptions::default();
    let checked = waymark_check::check_text(file, &text, &mut loader, &options);
    let errors: Vec<_> = checked
        .diagnostics
        .into_iter()
        .filter(waymark_diagnostics::Diagnostic::is_error)
        .collect();
    Ok(match (checked.procedure, errors.is_empty()) {
        (Some(procedure), true) => Ok(procedure),
        _ => Err(errors),
    })
}

#[cfg(test)]
mod tests {
    use super::tidy;
    use std::path::Path;

    #[test]
    fn removes_dot_dot_where_it_can() {
        assert_eq!(
            tidy(Path::new("tests/err/../shared/a.wm")),
            Path::new("tests/shared/a.wm")
        );
        assert_eq!(tidy(Path::new("../a/./b.wm")), Path::new("../a/b.wm"));
        assert_eq!(tidy(Path::new("../../a.wm")), Path::new("../../a.wm"));
    }
}
