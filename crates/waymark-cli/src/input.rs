//! Reading the user's files, with a coded diagnostic for every way a file can be unusable.

mod straight;

use std::io::Read;
use std::path::Path;
use std::sync::Mutex;
pub use straight::StraightFromDisk;
use waymark_diagnostics::{Code, Diagnostic, FileId, Sources, Span};

/// Larger files are refused: a procedure of 10,000 steps is about 2 MB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file could not be read. This is a file read's result, not a command's failure, so it
/// is not folded into [`crate::exit::Failure`]: each caller decides what it means. A command's
/// own input stops the command (`Failure::from`), while a file named by a `use` line becomes a
/// diagnostic at that line, `fmt` goes on to the next file, and `test` and `serve` report it
/// among their results.
pub enum ReadFailure {
    /// The file is missing or unreadable: a usage error (exit 2).
    Missing(String),
    /// The file exists but is not usable text: a diagnostic about the file (exit 1).
    Unusable(Box<Diagnostic>),
}

/// Reads a text file into `sources`, refusing empty, binary, non-UTF-8 and oversized files,
/// and anything that is not a regular file (`/dev/zero` or a named pipe would never end).
pub fn read_text(path: &str, sources: &mut Sources) -> Result<FileId, ReadFailure> {
    let bytes = match read_regular_file(path) {
        Ok(bytes) => bytes,
        Err(NotRead::Missing(message)) => return Err(ReadFailure::Missing(message)),
        Err(NotRead::Refused(code, message)) => {
            let file = sources.add(path, "");
            let help = match code {
                Code::FileTooLarge => "split the procedure into smaller files joined with `use`",
                _ => "give a procedure saved as a file, usually one ending in `.wm`",
            };
            let diagnostic = Diagnostic::new(code, Span::new(file, 0, 0), message)
                .label("this file")
                .help(help);
            return Err(ReadFailure::Unusable(Box::new(diagnostic)));
        }
    };
    check_bytes(path, bytes, sources)
}

/// Reads a procedure from standard input (`-`) into `sources` as `<stdin>`, refusing what
/// [`read_text`] refuses in a file: too large, binary, not UTF-8 or empty.
pub fn read_stdin_text(sources: &mut Sources) -> Result<FileId, ReadFailure> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| ReadFailure::Missing(format!("cannot read standard input: {error}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let file = sources.add("<stdin>", "");
        let diagnostic = Diagnostic::new(
            Code::FileTooLarge,
            Span::new(file, 0, 0),
            format!(
                "standard input is more than the {} MB Waymark reads",
                MAX_FILE_BYTES >> 20
            ),
        )
        .label("standard input")
        .help("split the procedure into smaller files joined with `use`");
        return Err(ReadFailure::Unusable(Box::new(diagnostic)));
    }
    check_bytes("<stdin>", bytes, sources)
}

/// Why [`read_regular_file`] read nothing: bytes, before they are text in `Sources`. Its two
/// readers word it for their files ([`read_text`] as a [`ReadFailure`], `calendar.rs` as a
/// calendar's failure), so it is not a command's failure either.
pub enum NotRead {
    /// Missing, unreadable or a folder: a usage error.
    Missing(String),
    /// Not a regular file (WM0006) or too large (WM0005).
    Refused(Code, String),
}

/// The bytes of a regular file of at most [`MAX_FILE_BYTES`], noted as one of this command's
/// inputs (see [`refuse_an_input`]). The cap holds while reading too, for a file that grows or
/// whose size the system does not report.
pub fn read_regular_file(real: &str) -> Result<Vec<u8>, NotRead> {
    // The path as typed, made safe to print: a newline in it could forge a line of output.
    let path_shown = crate::output::printable(real, 200);
    let path = path_shown.as_str();
    let missing = |error: &std::io::Error| {
        NotRead::Missing(format!("cannot read `{path}`: {}", describe(error)))
    };
    let metadata = std::fs::metadata(real).map_err(|error| missing(&error))?;
    if metadata.is_dir() {
        return Err(NotRead::Missing(format!(
            "`{path}` is a folder, not a file"
        )));
    }
    if !metadata.is_file() {
        return Err(NotRead::Refused(
            Code::NotARegularFile,
            format!("`{path}` is not a regular file (a device or a pipe), so it might never end"),
        ));
    }
    let too_large = || {
        NotRead::Refused(
            Code::FileTooLarge,
            format!(
                "`{path}` is more than the {} MB Waymark reads",
                MAX_FILE_BYTES >> 20
            ),
        )
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(real).map_err(|error| missing(&error))?;
    note_input(&file);
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| missing(&error))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The device and inode of every file this command reads, so `-o` cannot name one of them.
static INPUTS: Mutex<Vec<(u64, u64)>> = Mutex::new(Vec::new());

#[cfg(unix)]
fn identity(metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn identity(_metadata: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

fn note_input(file: &std::fs::File) {
    if let Some(id) = file.metadata().ok().as_ref().and_then(identity)
        && let Ok(mut inputs) = INPUTS.lock()
    {
        inputs.push(id);
    }
}

/// Notes a file named on the command line as an input before any output is opened. Paths that
/// do not exist (or `-`, standard input) are left to the command to report.
pub fn note_input_path(path: &str) {
    // Standard input redirected from a file (`- < cases.jsonl`) is that file: `-o` must not
    // name it either. (A pipe or a terminal is not a file, and is not noted.)
    let path = match path {
        "-" if cfg!(unix) => "/dev/stdin",
        "-" => return,
        path => path,
    };
    // The file's metadata, not the file: opening a named pipe would wait for a writer.
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.is_file()
        && let Some(id) = identity(&metadata)
        && let Ok(mut inputs) = INPUTS.lock()
    {
        inputs.push(id);
    }
}

/// An error if `output` is one of this command's inputs (the same device and inode, however
/// the path is spelt): writing it would destroy what is being read.
pub fn refuse_an_input(output: &Path) -> Result<(), String> {
    let Some(id) = std::fs::metadata(output).ok().as_ref().and_then(identity) else {
        return Ok(());
    };
    let is_input = INPUTS.lock().is_ok_and(|inputs| inputs.contains(&id));
    if is_input {
        return Err(format!(
            "`-o {}` names one of this command's own input files, which writing would destroy ({})\nhelp: write the output to another file",
            output.display(),
            Code::OutputIsInput
        ));
    }
    Ok(())
}

fn check_bytes(path: &str, bytes: Vec<u8>, sources: &mut Sources) -> Result<FileId, ReadFailure> {
    if looks_like_utf16(&bytes) {
        let file = sources.add(path, "");
        let diagnostic = Diagnostic::new(
            Code::FileNotUtf8,
            Span::new(file, 0, 0),
            format!("`{path}` is UTF-16 text, not UTF-8"),
        )
        .label("this file")
        .help("save the file as UTF-8 (most editors offer this under \"Save with encoding\"; Notepad calls UTF-16 \"Unicode\")");
        return Err(ReadFailure::Unusable(Box::new(diagnostic)));
    }
    // A UTF-8 byte-order mark (Windows editors write one) is not part of the text.
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    if let Some(position) = bytes.iter().position(|byte| *byte == 0) {
        let file = sources.add(path, "");
        let diagnostic = Diagnostic::new(
            Code::FileBinary,
            Span::new(file, 0, 0),
            format!("`{path}` holds binary data (a zero byte at offset {position}), not text"),
        )
        .label("this file")
        .help("give a procedure written as plain text, usually a file ending in `.wm`");
        return Err(ReadFailure::Unusable(Box::new(diagnostic)));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            return Err(ReadFailure::Unusable(Box::new(not_utf8(
                path, error, sources,
            ))));
        }
    };
    if text.trim().is_empty() {
        let file = sources.add(path, text);
        let diagnostic = Diagnostic::new(Code::FileEmpty, Span::new(file, 0, 0), format!("`{path}` is empty"))
            .label("nothing here")
            .help("a procedure starts with a line such as `procedure assessment \"Child and Family Assessment\"`");
        return Err(ReadFailure::Unusable(Box::new(diagnostic)));
    }
    Ok(sources.add(path, text))
}

/// Refuses a case, facts or census file that is UTF-16 (WM0002), from its first bytes `head`:
/// read as UTF-8 it would give a wrong error on every line, or an unknown column of garbage.
pub(crate) fn refuse_utf16(path: &str, head: &[u8]) -> Result<(), crate::exit::Failure> {
    if !looks_like_utf16(head) {
        return Ok(());
    }
    let shown = match path {
        "-" => "standard input".to_string(),
        _ => format!("`{}`", crate::output::printable(path, 200)),
    };
    Err(crate::exit::Failure::problems(format!(
        "{shown} is UTF-16 text, but case, facts and census files are read as UTF-8; no case was read"
    ))
    .coded(Code::FileNotUtf8)
    .help(
        "save the file as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8 FILE > FILE-utf8` (Excel: \
         Save As \"CSV UTF-8\"; Notepad calls UTF-16 \"Unicode\")",
    ))
}

/// UTF-16 text: a byte-order mark, or ASCII with a zero byte beside every character. Its zero
/// bytes would otherwise call it binary (WM0004), when it is text in another encoding.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return true;
    }
    let pairs: Vec<&[u8]> = bytes.chunks_exact(2).take(32).collect();
    let ascii_then_zero = |p: &&[u8]| matches!(p, [a, 0] if a.is_ascii() && *a != 0);
    let zero_then_ascii = |p: &&[u8]| matches!(p, [0, a] if a.is_ascii() && *a != 0);
    pairs.len() >= 4 && (pairs.iter().all(ascii_then_zero) || pairs.iter().all(zero_then_ascii))
}

/// Points at the first byte that is not UTF-8, in a lossy copy of the text so it can be shown.
pub(crate) fn not_utf8(
    path: &str,
    error: std::string::FromUtf8Error,
    sources: &mut Sources,
) -> Diagnostic {
    let valid_up_to = error.utf8_error().valid_up_to();
    let bytes = error.into_bytes();
    let prefix = String::from_utf8_lossy(bytes.get(..valid_up_to).unwrap_or_default()).into_owned();
    let shown = String::from_utf8_lossy(&bytes).into_owned();
    let start = prefix.len();
    let end = start
        + shown
            .get(start..)
            .and_then(|rest| rest.chars().next())
            .map_or(0, char::len_utf8);
    let file = sources.add(path, shown);
    Diagnostic::new(
        Code::FileNotUtf8,
        Span::new(file, start, end),
        format!("`{path}` is not UTF-8 text"),
    )
    .label("this byte is not UTF-8")
    .help("save the file as UTF-8 (most editors offer this under \"Save with encoding\")")
}

pub(crate) fn describe(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// Opens a case file to be read once, start to end: a large one straight from the disk (see
/// [`StraightFromDisk`]), a small one as usual. Also gives the file's size, if it is a file.
pub fn open_case_file(path: &Path) -> std::io::Result<(Box<dyn Read + Send>, Option<u64>)> {
    let file = std::fs::File::open(path)?;
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    Ok(match size {
        Some(size) if size >= straight::LARGE => {
            (Box::new(StraightFromDisk::new(file)?), Some(size))
        }
        _ => (Box::new(file), size),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(bytes: &[u8]) -> Option<Code> {
        let mut sources = Sources::new();
        match check_bytes("x.wm", bytes.to_vec(), &mut sources) {
            Ok(_) => None,
            Err(ReadFailure::Unusable(diagnostic)) => Some(diagnostic.code),
            Err(ReadFailure::Missing(_)) => Some(Code::FileUnreadable),
        }
    }

    #[test]
    fn refuses_unusable_text() {
        assert_eq!(code_of(b"procedure a \"A\"\n"), None);
        assert_eq!(code_of(b""), Some(Code::FileEmpty));
        assert_eq!(code_of(b"  \n\n"), Some(Code::FileEmpty));
        assert_eq!(code_of(b"ab\0cd"), Some(Code::FileBinary));
        assert_eq!(code_of(b"step \xff\xfe"), Some(Code::FileNotUtf8));
        // UTF-16, with or without its byte-order mark, is text in the wrong encoding.
        assert_eq!(code_of(b"\xff\xfep\0r\0o\0"), Some(Code::FileNotUtf8));
        assert_eq!(code_of(b"p\0r\0o\0c\0e\0"), Some(Code::FileNotUtf8));
        // A UTF-8 byte-order mark is accepted and dropped.
        assert_eq!(code_of(b"\xEF\xBB\xBFprocedure a \"A\"\n"), None);
    }

    #[test]
    fn points_at_the_bad_byte() {
        let mut sources = Sources::new();
        let Err(ReadFailure::Unusable(diagnostic)) =
            check_bytes("x.wm", b"role a\nstep \xffb".to_vec(), &mut sources)
        else {
            panic!("expected a diagnostic");
        };
        let file = sources.get(diagnostic.primary.span.file).unwrap();
        assert_eq!(file.line_column(diagnostic.primary.span.start), (2, 6));
    }
}
