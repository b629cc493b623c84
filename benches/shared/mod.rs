//! What the caseload benches share: compiling a procedure from its file.

use std::path::Path;
use waymark_check::CheckOptions;
use waymark_compile::{Loader, Procedure};
use waymark_diagnostics::{FileId, Sources};

/// Reads `use`d files relative to the procedures folder.
struct Files(Sources);

impl Loader for Files {
    fn load(&mut self, _from: FileId, path: &str) -> Result<(FileId, String), String> {
        let full = Path::new("procedures").join(path);
        let text = std::fs::read_to_string(&full).map_err(|e| e.to_string())?;
        Ok((self.0.add(full.to_string_lossy(), text.clone()), text))
    }
}

/// The procedure in `path` (relative to the repository root), checked and compiled; a bench
/// stops loudly when its own input is wrong.
pub fn compile(path: &str) -> Procedure {
    let text = std::fs::read_to_string(path).expect("the procedure file");
    let mut files = Files(Sources::new());
    let file = files.0.add(path, text.clone());
    let checked = waymark_check::check_text(file, &text, &mut files, &CheckOptions::default());
    checked.procedure.expect("the procedure compiles")
}
