//! Writing output: files whole or not at all (a failed or interrupted run never leaves a partly
//! written report or flowchart behind), and diagnostics to the terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use waymark_diagnostics::{Diagnostic, RenderOptions, Sources, render_human};

mod large;
mod sink;
use large::Disk;
pub use sink::{Sink, stdout_failed};

/// A file being written: a temporary file beside it, renamed into place by [`WholeFile::commit`]
/// once everything is written and on disk, and removed if the writing stops before that.
///
/// The temporary file is created exclusively under a random name (a planted file or symlink
/// of a guessable name could otherwise redirect the report), readable by its owner only while
/// it is written. On commit it takes the mode of the file it replaces, or for a new file the
/// mode the process umask gives, never anything wider.
///
/// A path that names something other than a file or a folder (`/dev/null`, `/dev/stdout`, a
/// named pipe) is written directly: there is nothing to replace whole, and renaming a file
/// over it would destroy it.
pub struct WholeFile {
    /// `None` once committed.
    target: Option<Target>,
    path: PathBuf,
}

enum Target {
    /// Writing directly to a device or pipe.
    Direct(std::fs::File),
    /// Writing to a temporary file; `mode` is what the finished file gets.
    Temporary {
        file: tempfile::NamedTempFile,
        mode: Option<u32>,
        disk: Disk,
    },
}

impl WholeFile {
    pub fn create(path: &Path) -> Result<WholeFile, String> {
        crate::input::refuse_an_input(path)?;
        WholeFile::replacing(path)
    }

    /// Like [`WholeFile::create`], but the path may be one of the command's inputs: for
    /// `waymark fmt`, whose whole job is to rewrite the file it read.
    pub fn replacing(path: &Path) -> Result<WholeFile, String> {
        // `-o -` is standard output, as `-` is standard input.
        if path == Path::new("-") {
            return WholeFile::replacing(Path::new("/dev/stdout"));
        }
        // Checked before anything is made: the temporary file would otherwise be made beside
        // the folder and the final rename fail with the system's "Not a directory".
        if let Some(why) = names_a_folder(path) {
            return Err(why);
        }
        // A link is written through, as an editor does: the file it points to is replaced,
        // and the link stays.
        let linked = through_link(path)?;
        let path = linked.as_deref().unwrap_or(path);
        let existing = std::fs::metadata(path).ok();
        let special = existing
            .as_ref()
            .is_some_and(|meta| !meta.is_file() && !meta.is_dir());
        if special {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|error| cannot_write(path, &error))?;
            return Ok(WholeFile {
                target: Some(Target::Direct(file)),
                path: path.to_path_buf(),
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
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".waymark.tmp");
        let (file, mode) = create_temporary(&builder, folder, existing.as_ref())
            .map_err(|error| cannot_create(path, folder, &error))?;
        Ok(WholeFile {
            target: Some(Target::Temporary {
                file,
                mode,
                disk: Disk::new(),
            }),
            path: path.to_path_buf(),
        })
    }

    /// The file being written (through a link, the file it points to).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Syncs the written bytes to disk and renames the file into place.
    pub fn commit(mut self) -> Result<(), String> {
        let path = self.path.clone();
        match self.target.take() {
            None => Ok(()),
            Some(Target::Direct(mut file)) => {
                file.flush().map_err(|error| cannot_write(&path, &error))
            }
            Some(Target::Temporary {
                file,
                mode,
                mut disk,
            }) => {
                let temporary = file.path().to_path_buf();
                let done = disk
                    .finish(file.as_file())
                    .and_then(|()| set_mode(file.as_file(), mode))
                    .and_then(|()| file.as_file().sync_all())
                    .and_then(|()| file.persist(&path).map(drop).map_err(|e| e.error));
                forget_temporary(&temporary);
                done.map_err(|error| cannot_write(&path, &error))
            }
        }
    }
}

/// The temporary file, and the mode the finished file is to have.
#[cfg(unix)]
/// The file a symbolic link at `path` points to (`None` when `path` is no link). A link to
/// a file that does not exist yet points to where that file will be made.
fn through_link(path: &Path) -> Result<Option<PathBuf>, String> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
    if !is_link {
        return Ok(None);
    }
    if let Ok(real) = std::fs::canonicalize(path) {
        return Ok(Some(real));
    }
    let target = std::fs::read_link(path).map_err(|error| cannot_write(path, &error))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    Ok(Some(folder.join(target)))
}

fn create_temporary(
    builder: &tempfile::Builder,
    folder: &Path,
    existing: Option<&std::fs::Metadata>,
) -> std::io::Result<(tempfile::NamedTempFile, Option<u32>)> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    // Each name tried is remembered before the file exists, so a signal that comes the moment
    // it is made still finds it. Asking for 0666 lets the kernel apply the umask, the only way
    // to learn it without unsafe code; the empty file is then narrowed to its owner while the
    // report is written.
    let file = builder.make_in(folder, |path| {
        remember_temporary(path);
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(path)
            .inspect_err(|_| forget_temporary(path))
    })?;
    let by_umask = file.as_file().metadata()?.permissions().mode() & 0o777;
    file.as_file()
        .set_permissions(std::fs::Permissions::from_mode(by_umask & 0o600))?;
    let mode = match existing {
        Some(old) => old.permissions().mode() & 0o7777,
        None => by_umask,
    };
    Ok((file, Some(mode)))
}

#[cfg(not(unix))]
fn create_temporary(
    builder: &tempfile::Builder,
    folder: &Path,
    _existing: Option<&std::fs::Metadata>,
) -> std::io::Result<(tempfile::NamedTempFile, Option<u32>)> {
    let file = builder.tempfile_in(folder)?;
    remember_temporary(file.path());
    Ok((file, None))
}

#[cfg(unix)]
fn set_mode(file: &std::fs::File, mode: Option<u32>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match mode {
        Some(mode) => file.set_permissions(std::fs::Permissions::from_mode(mode)),
        None => Ok(()),
    }
}

#[cfg(not(unix))]
fn set_mode(_file: &std::fs::File, _mode: Option<u32>) -> std::io::Result<()> {
    Ok(())
}

impl Write for WholeFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match &mut self.target {
            Some(Target::Direct(file)) => file.write(bytes),
            // The file itself: `NamedTempFile`'s own errors name the temporary path.
            Some(Target::Temporary { file, disk, .. }) => {
                disk.write(file.as_file(), bytes)?;
                Ok(bytes.len())
            }
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.target {
            Some(Target::Direct(file)) => file.flush(),
            Some(Target::Temporary { file, .. }) => file.as_file_mut().flush(),
            None => Ok(()),
        }
    }
}

impl Drop for WholeFile {
    fn drop(&mut self) {
        // `NamedTempFile` removes the file itself when dropped; only the registry is ours.
        if let Some(Target::Temporary { file, .. }) = &self.target {
            forget_temporary(file.path());
        }
    }
}

/// The temporary files being written, so a signal or a fatal error on the way out can remove
/// them: a process stopped by Ctrl-C runs no destructors.
static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn remember_temporary(path: &Path) {
    if let Ok(mut list) = TEMPORARIES.lock() {
        list.push(path.to_path_buf());
    }
}

fn forget_temporary(path: &Path) {
    if let Ok(mut list) = TEMPORARIES.lock() {
        list.retain(|p| p != path);
    }
}

/// Removes every temporary file still being written. Called when the process is about to
/// end without running destructors (a signal, a closed standard error).
pub fn remove_temporaries() {
    let list = match TEMPORARIES.lock() {
        Ok(mut list) => std::mem::take(&mut *list),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for path in list {
        let _ = std::fs::remove_file(path);
    }
}

/// What `print!` writes (see the crate root): a failed write is never a panic. A closed pipe
/// (`| head -1`) is dropped, so the command still ends with its proper exit code; any other
/// failure (a full disk) is kept, and [`stdout_failure`] reports it when the command ends.
pub fn to_stdout(text: std::fmt::Arguments<'_>) {
    if let Err(error) = std::io::stdout().lock().write_fmt(text) {
        note_stdout_failure(&error);
    }
}

/// The first failure to write standard output, other than a closed pipe.
static STDOUT_FAILURE: Mutex<Option<String>> = Mutex::new(None);

/// Keeps `error` as the reason standard output could not be written (the first one only).
pub(crate) fn note_stdout_failure(error: &std::io::Error) {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        return;
    }
    if let Ok(mut kept) = STDOUT_FAILURE.lock() {
        kept.get_or_insert_with(|| error.to_string());
    }
}

/// Flushes standard output and gives why it could not all be written, if it could not: a
/// command's output that did not reach its file is a failure, whatever the command found.
pub(crate) fn stdout_failure() -> Option<String> {
    if let Err(error) = std::io::stdout().lock().flush() {
        note_stdout_failure(&error);
    }
    STDOUT_FAILURE.lock().ok().and_then(|kept| kept.clone())
}

/// What `eprint!` writes: as [`to_stdout`], for standard error.
pub fn to_stderr(text: std::fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(text);
}

/// A word as the user gave it, made safe to print: control characters escaped (a newline in
/// an argument could forge a line of output) and at most 60 characters shown.
pub(crate) fn shown(word: &str) -> String {
    printable(word, 60)
}

/// `text` made safe to show on a terminal or in a log: control characters (ESC, a newline that
/// could forge an extra `error:` line) are written as escapes such as `\u{1b}` and `\n`, and
/// at most `most` characters are kept, the rest counted, so a huge value never becomes a huge
/// line in someone's cron mail.
pub fn printable(text: &str, most: usize) -> String {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == most {
            let rest = text.chars().count() - most;
            out.push_str(&format!("... ({rest} more characters)"));
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes `bytes` to `path` whole or not at all.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = WholeFile::create(path)?;
    file.write_all(bytes)
        .map_err(|error| cannot_write(path, &error))?;
    file.commit()
}

/// Replaces the file at `path`, which may be an input, with `bytes`, whole or not at all.
pub fn replace_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = WholeFile::replacing(path)?;
    file.write_all(bytes)
        .map_err(|error| cannot_write(path, &error))?;
    file.commit()
}

/// Why `path` cannot be written as a file because it names a folder: an existing folder (`-o
/// out/`, `-o .`), or a path ending in `/` (a folder's name, whether or not it exists).
fn names_a_folder(path: &Path) -> Option<String> {
    let text = path.to_string_lossy();
    let shown = printable(&text, 200);
    let example = || {
        let folder = printable(text.trim_end_matches(std::path::is_separator), 200);
        format!("give a file name, e.g. `-o {folder}/report.jsonl`")
    };
    let ends_in_separator = text.ends_with(std::path::is_separator);
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Some(format!("`{shown}` is a folder: {}", example())),
        Err(error) if ends_in_separator && error.kind() == std::io::ErrorKind::NotFound => {
            Some(format!(
                "cannot write `{shown}`: the folder `{shown}` does not exist, and `-o` takes a file name"
            ))
        }
        _ if ends_in_separator => Some(format!(
            "cannot write `{shown}`: a name ending in `/` is a folder's, but it is not a folder; {}",
            example()
        )),
        _ => None,
    }
}

/// Why the file at `path` could not be begun, in the user's words: the hidden temporary file
/// beside it is ours, so its name is never shown.
fn cannot_create(path: &Path, folder: &Path, error: &std::io::Error) -> String {
    let shown = |p: &Path| printable(&p.to_string_lossy(), 200);
    let why = match error.kind() {
        std::io::ErrorKind::NotFound => format!("the folder `{}` does not exist", shown(folder)),
        std::io::ErrorKind::PermissionDenied => {
            format!("no permission to write in the folder `{}`", shown(folder))
        }
        // `tempfile` ends its message with the temporary file's path
        // (`... at path "/out/.x.txt.Txvioi.waymark.tmp"`); the system's reason comes before.
        _ => {
            let text = error.to_string();
            match text.split_once(" at path ") {
                Some((reason, _)) => reason.to_string(),
                None => text,
            }
        }
    };
    format!("cannot write `{}`: {why}", shown(path))
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

    fn scratch(name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!("waymark-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        folder
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_umasks() {
        use std::os::unix::fs::PermissionsExt;
        let folder = scratch("output-mode");
        let mode =
            |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let private = folder.join("private.txt");
        std::fs::write(&private, "old").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_whole(&private, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&private).unwrap(), "new");
        assert_eq!(mode(&private), 0o600, "the report stays private");
        // A new file gets what `File::create` would give under this process's umask.
        let probe = folder.join("probe.txt");
        std::fs::File::create(&probe).unwrap();
        let fresh = folder.join("fresh.txt");
        write_whole(&fresh, b"x").unwrap();
        assert_eq!(mode(&fresh), mode(&probe));
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_does_not_redirect_the_output() {
        let folder = scratch("output-symlink");
        let victim = folder.join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        // The temporary name used to be `.NAME.waymark-PID.tmp`, opened without exclusive
        // creation, so a link planted under it sent the report to the link's target.
        let planted = folder.join(format!(".out.txt.waymark-{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        write_whole(&folder.join("out.txt"), b"report").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(
            std::fs::read_to_string(folder.join("out.txt")).unwrap(),
            "report"
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }

    /// `-o` naming a folder said "Not a directory (os error 20)", the system's words for the
    /// rename that failed at the end; now it says the path is a folder, before writing anything.
    #[test]
    fn a_folder_is_refused_before_anything_is_written() {
        let folder = scratch("output-folder");
        let shown = folder.display().to_string();
        let with_slash = format!("{shown}/");
        let error = |path: &str| match write_whole(std::path::Path::new(path), b"x") {
            Err(message) => message,
            Ok(()) => panic!("{path} was written"),
        };
        let expected =
            format!("`{with_slash}` is a folder: give a file name, e.g. `-o {shown}/report.jsonl`");
        assert_eq!(error(&with_slash), expected);
        assert_eq!(
            error(&shown),
            format!("`{shown}` is a folder: give a file name, e.g. `-o {shown}/report.jsonl`")
        );
        let missing = format!("{shown}/newdir/");
        assert_eq!(
            error(&missing),
            format!(
                "cannot write `{missing}`: the folder `{missing}` does not exist, and `-o` takes a file name"
            )
        );
        let file = folder.join("file.txt");
        std::fs::write(&file, "kept").unwrap();
        let file_slash = format!("{}/", file.display());
        assert!(error(&file_slash).contains("is a folder's, but it is not a folder"));
        // Nothing was made: no temporary file beside the folder or in it, no `newdir`.
        let names: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["file.txt"]);
        let parent = folder.parent().unwrap();
        let stray = std::fs::read_dir(parent).unwrap().flatten().any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".waymark-output-folder")
        });
        assert!(!stray, "no temporary file beside the folder");
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn printable_escapes_control_characters_and_keeps_a_prefix() {
        use super::printable;
        assert_eq!(printable("C1\nerror: forged", 60), "C1\\nerror: forged");
        assert_eq!(printable("\u{1b}[31mred", 60), "\\u{1b}[31mred");
        assert_eq!(printable("abcdef", 3), "abc... (3 more characters)");
    }
}
