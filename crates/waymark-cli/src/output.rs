//! Writing output files whole or not at all: a failed or interrupted run never leaves a partly
//! written report or flowchart behind.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into place
/// only once everything is written and flushed to disk.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.waymark-{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path));
    written.map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write `{}`: {error}", path.display())
    })
}

#[cfg(test)]
mod tests {
    use super::write_whole;

    #[test]
    fn writes_whole_files_and_leaves_nothing_on_failure() {
        let folder = std::env::temp_dir().join(format!("waymark-output-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("out.txt");
        write_whole(&path, b"hello").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
        let missing = folder.join("no/such/folder/out.txt");
        assert!(write_whole(&missing, b"x").is_err());
        let leftovers = std::fs::read_dir(&folder).unwrap().count();
        assert_eq!(leftovers, 1, "only out.txt remains");
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
