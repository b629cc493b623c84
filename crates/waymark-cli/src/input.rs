//! Reading the user's files, with a coded diagnostic for every way a file can be unusable.

use waymark_diagnostics::{Code, Diagnostic, FileId, Sources, Span};

/// Larger files are refused: a procedure of 10,000 steps is about 2 MB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file could not be read.
pub enum ReadFailure {
    /// The file is missing or unreadable: a usage error (exit 2).
    Missing(String),
    /// The file exists but is not usable text: a diagnostic about the file (exit 1).
    Unusable(Box<Diagnostic>),
}

/// Reads a text file into `sources`, refusing empty, binary, non-UTF-8 and oversized files.
pub fn read_text(path: &str, sources: &mut Sources) -> Result<FileId, ReadFailure> {
    let metadata = std::fs::metadata(path).map_err(|error| {
        ReadFailure::Missing(format!("cannot read `{path}`: {}", describe(&error)))
    })?;
    if metadata.is_dir() {
        return Err(ReadFailure::Missing(format!(
            "`{path}` is a folder, not a file"
        )));
    }
    if metadata.len() > MAX_FILE_BYTES {
        let file = sources.add(path, "");
        let diagnostic = Diagnostic::new(
            Code::FileTooLarge,
            Span::new(file, 0, 0),
            format!(
                "`{path}` is {} MB, more than the {} MB Waymark reads",
                metadata.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        )
        .label("this file")
        .help("split the procedure into smaller files joined with `use`");
        return Err(ReadFailure::Unusable(Box::new(diagnostic)));
    }
    let bytes = std::fs::read(path).map_err(|error| {
        ReadFailure::Missing(format!("cannot read `{path}`: {}", describe(&error)))
    })?;
    check_bytes(path, bytes, sources)
}

fn check_bytes(path: &str, bytes: Vec<u8>, sources: &mut Sources) -> Result<FileId, ReadFailure> {
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

/// Points at the first byte that is not UTF-8, in a lossy copy of the text so it can be shown.
fn not_utf8(path: &str, error: std::string::FromUtf8Error, sources: &mut Sources) -> Diagnostic {
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

fn describe(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
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
