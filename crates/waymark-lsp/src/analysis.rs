//! One open document run through the same parse -> compile -> check pipeline as `waymark check`
//! (`waymark_check::check_text`), with `use`d files read from the editor's unsaved buffers first
//! and the disk second.

use crate::symbols::{self, Occurrence};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use waymark_check::CheckOptions;
use waymark_compile::{Loader, Procedure};
use waymark_diagnostics::{Diagnostic, FileId, Sources};
use waymark_syntax::Document;

/// Where the server reads files that are not open in the editor. The CLI gives it the disk;
/// tests can give it anything.
pub trait Disk {
    fn read(&self, path: &Path) -> Option<String>;
}

/// The texts of the documents open in the editor, by path.
pub type Open = BTreeMap<PathBuf, String>;

/// What the server knows about one document.
pub struct Analysis {
    /// The document and every file its `use` lines pulled in; file names are paths.
    pub sources: Sources,
    pub file: FileId,
    pub document: Document,
    pub procedure: Option<Procedure>,
    pub diagnostics: Vec<Diagnostic>,
    pub occurrences: Vec<Occurrence>,
}

impl Analysis {
    pub fn new(path: &Path, text: &str, open: &Open, disk: &dyn Disk) -> Analysis {
        let mut sources = Sources::new();
        let file = sources.add(path.to_string_lossy().into_owned(), text.to_string());
        let mut loader = Overlay {
            sources: &mut sources,
            open,
            disk,
            known: HashMap::from([(path.to_path_buf(), file)]),
        };
        let checked = waymark_check::check_text(file, text, &mut loader, &CheckOptions::default());
        let document = waymark_syntax::parse(file, text).document;
        let occurrences = symbols::occurrences(&document);
        Analysis {
            sources,
            file,
            document,
            procedure: checked.procedure,
            diagnostics: checked.diagnostics,
            occurrences,
        }
    }

    pub fn text(&self) -> &str {
        self.text_of(self.file)
    }

    pub fn text_of(&self, file: FileId) -> &str {
        self.sources.get(file).map_or("", |f| f.text.as_str())
    }

    /// The path of a file this analysis read.
    pub fn path_of(&self, file: FileId) -> PathBuf {
        PathBuf::from(self.sources.name(file))
    }

    /// The paths of the files this document `use`s, directly or not.
    pub fn used_paths(&self) -> Vec<PathBuf> {
        (1..self.sources.len() as u32)
            .map(|id| self.path_of(FileId(id)))
            .collect()
    }
}

/// Serves `use` lines: unsaved editor buffers first, then the disk; each file read once.
struct Overlay<'a> {
    sources: &'a mut Sources,
    open: &'a Open,
    disk: &'a dyn Disk,
    known: HashMap<PathBuf, FileId>,
}

impl Loader for Overlay<'_> {
    fn load(&mut self, from: FileId, path: &str) -> Result<(FileId, String), String> {
        let base = Path::new(self.sources.name(from))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let full = tidy(&base.join(path));
        if let Some(&file) = self.known.get(&full) {
            let text = self.sources.get(file).map(|f| f.text.clone());
            return Ok((file, text.unwrap_or_default()));
        }
        let text = match self.open.get(&full) {
            Some(text) => text.clone(),
            None => self
                .disk
                .read(&full)
                .ok_or_else(|| format!("cannot read `{}`", full.display()))?,
        };
        let file = self
            .sources
            .add(full.to_string_lossy().into_owned(), text.clone());
        self.known.insert(full, file);
        Ok((file, text))
    }
}

/// `a/b/../c` becomes `a/c`, so the same file reached two ways is one file.
pub fn tidy(path: &Path) -> PathBuf {
    let mut tidy = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if tidy.file_name().is_some() => {
                tidy.pop();
            }
            other => tidy.push(other),
        }
    }
    tidy
}
