//! Project rules that a test can check: the diagnostics reference is generated from the code
//! table, every code is exercised by a test, every crate is described where newcomers look.
//!
//! `WAYMARK_UPDATE_DOCS=1 cargo test --test integration tidy` rewrites docs/diagnostics.md.

use std::path::Path;
use waymark_diagnostics::codes::{ALL, Code};

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap_or_default()
}

/// docs/diagnostics.md, built from the code table and the explanation files.
fn diagnostics_reference() -> String {
    let mut doc = String::from(
        "# Diagnostic codes\n\n\
         Generated from `crates/waymark-diagnostics/src/codes.rs` and the explanation files beside it\n\
         by `WAYMARK_UPDATE_DOCS=1 cargo test --test integration tidy`; a test keeps it current.\n\
         `waymark explain CODE` prints the same text. Errors fail `waymark check` (exit 1); warnings\n\
         fail it only with `--deny-warnings`.\n\n\
         | code | name | severity | meaning |\n| --- | --- | --- | --- |\n",
    );
    for code in ALL {
        doc.push_str(&format!(
            "| [{c}](#{anchor}) | `{}` | {} | {} |\n",
            code.name(),
            code.severity().as_str(),
            code.summary(),
            c = code.as_str(),
            anchor = format!("{}-{}", code.as_str(), code.name()).to_lowercase(),
        ));
    }
    for code in ALL {
        doc.push('\n');
        for line in code.explanation().lines() {
            if line.starts_with('#') {
                doc.push('#');
            }
            doc.push_str(line);
            doc.push('\n');
        }
        doc.push_str(&format!("\nSeverity: {}.\n", code.severity().as_str()));
    }
    doc
}

#[test]
fn diagnostics_reference_is_current() {
    let expected = diagnostics_reference();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
    if std::env::var_os("WAYMARK_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    assert!(
        read("docs/diagnostics.md") == expected,
        "docs/diagnostics.md is out of date: run `WAYMARK_UPDATE_DOCS=1 cargo test --test integration tidy`"
    );
}

/// Where each code is made to happen: an `# expect:` fixture, or a named test.
/// Whether a test shows the code: in a fixture's expectations, a reviewed snapshot of output,
/// or a test's own source (an integration test, or a crate's `#[cfg(test)]` part). The code
/// table and the code that raises a code do not count: a line that raises a code says nothing
/// about whether any test reaches it.
fn exercised(code: Code, tests: &str) -> bool {
    let variant = format!("Code::{code:?}");
    tests.contains(code.as_str()) || tests.contains(&variant)
}

/// The text of every `.rs` file below `folder`; for files under `src/`, only what follows the
/// first `#[cfg(test)]` (the file's tests), or nothing.
fn test_sources(folder: &Path, tests: &mut String) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            test_sources(&path, tests);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let in_src = path.components().any(|c| c.as_os_str() == "src");
        let is_test_module = path.file_name().is_some_and(|n| n == "tests.rs")
            || path.components().any(|c| c.as_os_str() == "tests");
        match (in_src && !is_test_module, text.find("#[cfg(test)]")) {
            (false, _) => tests.push_str(&text),
            (true, Some(at)) => tests.push_str(&text[at..]),
            (true, None) => {}
        }
    }
}

#[test]
fn every_code_is_triggered_by_a_test() {
    let mut tests = String::new();
    for folder in [
        "tests/syntax/err",
        "tests/check/err",
        "tests/integration/snapshots",
    ] {
        for entry in std::fs::read_dir(folder).unwrap().flatten() {
            tests.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    for entry in std::fs::read_dir("tests/integration").unwrap().flatten() {
        let path = entry.path();
        // This file names every code by listing the table.
        if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tidy.rs") {
            tests.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    test_sources(Path::new("crates"), &mut tests);
    let missing: Vec<&str> = ALL
        .iter()
        .filter(|code| !exercised(**code, &tests))
        .map(|code| code.as_str())
        .collect();
    assert!(missing.is_empty(), "codes no test triggers: {missing:?}");
}

#[test]
fn every_crate_opens_with_its_description_and_is_in_the_architecture() {
    let architecture = read("ARCHITECTURE.md");
    let mut crates: Vec<_> = std::fs::read_dir("crates")
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    crates.sort();
    for name in crates {
        assert!(
            architecture.contains(&name),
            "ARCHITECTURE.md does not mention {name}"
        );
        let manifest = read(&format!("crates/{name}/Cargo.toml"));
        let description = manifest
            .lines()
            .find_map(|line| line.strip_prefix("description = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{name} has no description"));
        let first = read(&format!("crates/{name}/src/lib.rs"))
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        assert_eq!(
            first,
            format!("//! {description}"),
            "crates/{name}/src/lib.rs must open with its description"
        );
    }
}
