//! Writing output: files whole or not at all (a failed or interrupted run never leaves a partly
//! written report or flowchart behind), and diagnostics to the terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use waymark_diagnostics::{Diagnostic, RenderOptions, Sources, render_human};

/// A file being written: a temporary file beside it, renamed into place by [`WholeFile::commit`]
/// once everything is written and on disk, and removed if the writing stops before that.
///
/// A path that names something other than a file or a folder (`/dev/null`, `/dev/stdout`, a
/// named pipe) is written directly: there is nothing to replace whole, and renaming a file
/// over it would destroy it.
pub struct WholeFile {
    file: std::fs::File,
    /// `None` when writing directly to a device or pipe.
    temporary: Option<PathBuf>,
    path: PathBuf,
    committed: bool,
}

impl WholeFile {
    pub fn create(path: &Path) -> Result<WholeFile, String> {
        let special = std::fs::metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir());
        if special {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|error| cannot_write(path, &error))?;
            return Ok(WholeFile {
                file,
                temporary: None,
                path: path.to_path_buf(),
                committed: false,
            });
        }
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = folder.join(format!(".{name}.waymark-{}.tmp", std::process::id()));
        let file = std::fs::File::create(&temporary).map_err(|error| cannot_write(path, &error))?;
        Ok(WholeFile {
            file,
            temporary: Some(temporary),
            path: path.to_path_buf(),
            committed: false,
        })
    }

    /// Syncs the written bytes to disk and renames the file into place.
    pub fn commit(mut self) -> Result<(), String> {
        let done = match &self.temporary {
            Some(temporary) => self
                .file
                .sync_all()
                .and_then(|()| std::fs::rename(temporary, &self.path)),
            None => self.file.flush(),
        };
        self.committed = done.is_ok();
        done.map_err(|error| cannot_write(&self.path, &error))
    }
}

impl Write for WholeFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.file.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Drop for WholeFile {
    fn drop(&mut self) {
        if let (false, Some(temporary)) = (self.committed, &self.temporary) {
            let _ = std::fs::remove_file(temporary);
        }
    }
}

/// Writes `bytes` to `path` whole or not at all.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = WholeFile::create(path)?;
    file.write_all(bytes)
        .map_err(|error| cannot_write(path, &error))?;
    file.commit()
}

pub fn cannot_write(path: &Path, error: &std::io::Error) -> String {
    format!("cannot write `{}`: {error}", path.display())
}

/// Prints diagnostics to standard error, coloured when it is a terminal.
pub fn print_diagnostics(diagnostics: &[Diagnostic], sources: &Sources) {
    if diagnostics.is_empty() {
        return;
    }
    let options = RenderOptions {
        colour: std::io::stderr().is_terminal(),
        width: None,
    };
    eprint!("{}", render_human(diagnostics, sources, options));
}

#[cfg(test)]
mod tests {
    use super::{WholeFile, write_whole};
    use std::io::Write;

    #[test]
    fn writes_whole_files_and_leaves_nothing_on_failure() {
        let folder = std::env::temp_dir().join(format!("waymark-output-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("out.txt");
        write_whole(&path, b"hello").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
        let missing = folder.join("no/such/folder/out.txt");
        assert!(write_whole(&missing, b"x").is_err());
        // A file dropped before it is committed leaves neither itself nor its temporary behind.
        let mut abandoned = WholeFile::create(&folder.join("abandoned.txt")).unwrap();
        abandoned.write_all(b"half").unwrap();
        drop(abandoned);
        let names: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.txt"], "only out.txt remains");
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
