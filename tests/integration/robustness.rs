//! No input makes Waymark panic: thousands of mutated copies of valid procedures (lines
//! deleted or repeated, words swapped, text cut short, random characters) go through the whole
//! pipeline, parse, compile and check.

use std::panic::{AssertUnwindSafe, catch_unwind};
use waymark_check::CheckOptions;
use waymark_compile::Loader;
use waymark_diagnostics::{FileId, Sources};

/// How many mutated procedures the test feeds through the pipeline.
const MUTANTS: usize = 12_000;

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Serves `use` lines from the shipped procedures, in memory.
struct Shipped<'a> {
    sources: &'a mut Sources,
    files: &'a [(String, String)],
}

impl Loader for Shipped<'_> {
    fn load(&mut self, _from: FileId, path: &str) -> Result<(FileId, String), String> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let (_, text) = self
            .files
            .iter()
            .find(|(n, _)| n == name)
            .ok_or("not found")?;
        Ok((self.sources.add(name, text.clone()), text.clone()))
    }
}

fn seeds() -> Vec<(String, String)> {
    let mut seeds = Vec::new();
    for folder in [
        "procedures",
        "tests/check/ok",
        "tests/check/err",
        "tests/syntax/err",
    ] {
        let mut names: Vec<_> = std::fs::read_dir(folder)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        names.sort();
        for path in names
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "wm"))
        {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            seeds.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    for (_, block) in crate::docs::waymark_blocks(include_str!("../../docs/language.md")) {
        seeds.push(("example.wm".to_string(), block));
    }
    seeds.push((
        "generated.wm".to_string(),
        waymark_syntax::generate_procedure(200),
    ));
    seeds
}

const WORDS: &[&str] = &[
    "step",
    "then",
    "due",
    "by",
    "on",
    "when",
    "is",
    "not",
    "after",
    "before",
    "fact",
    "working",
    "days",
    "\"",
    "#",
    ",",
    "together",
    "all of",
    "end",
    "use",
    "0",
    "10001",
    "2026-02-30",
    "é",
    "\u{0}",
    "\t",
    "\r",
    "known",
    "one of",
    "decision",
    "outcomes",
    "otherwise",
    "until",
    "every",
];

fn mutate(text: &str, random: &mut Random) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..1 + random.below(3) {
        let at = random.below(lines.len().max(1));
        match random.below(7) {
            0 if !lines.is_empty() => drop(lines.remove(at)),
            1 if !lines.is_empty() => {
                let copy = lines[at].clone();
                lines.insert(random.below(lines.len()), copy);
            }
            2 => swap_words(&mut lines, random),
            3 if !lines.is_empty() => {
                let word = WORDS[random.below(WORDS.len())];
                let line = &mut lines[at];
                let cut = char_boundary(line, random.below(line.len() + 1));
                line.insert_str(cut, word);
            }
            4 => {
                let (a, b) = (
                    random.below(lines.len().max(1)),
                    random.below(lines.len().max(1)),
                );
                if a < lines.len() && b < lines.len() {
                    lines.swap(a, b);
                }
            }
            5 if !lines.is_empty() => {
                let random_char = char::from_u32(random.below(0x2FFF) as u32).unwrap_or('?');
                lines[at].push(random_char);
            }
            _ => {}
        }
    }
    let joined = lines.join("\n");
    if random.below(10) == 0 {
        let cut = char_boundary(&joined, random.below(joined.len() + 1));
        return joined[..cut].to_string();
    }
    joined
}

fn swap_words(lines: &mut [String], random: &mut Random) {
    if lines.is_empty() {
        return;
    }
    let at = random.below(lines.len());
    let mut words: Vec<&str> = lines[at].split(' ').collect();
    if words.len() > 1 {
        let (a, b) = (random.below(words.len()), random.below(words.len()));
        words.swap(a, b);
        lines[at] = words.join(" ");
    }
}

fn char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[test]
fn mutated_procedures_never_panic() {
    let seeds = seeds();
    let shipped: Vec<(String, String)> = seeds
        .iter()
        .take_while(|(n, _)| !n.starts_with("example"))
        .cloned()
        .collect();
    let mut random = Random(0x5eed_0f3a_7e00);
    let mut diagnostics = 0usize;
    for round in 0..MUTANTS {
        let (name, seed) = &seeds[round % seeds.len()];
        let text = mutate(seed, &mut random);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut sources = Sources::new();
            let file = sources.add(name.clone(), text.clone());
            let mut loader = Shipped {
                sources: &mut sources,
                files: &shipped,
            };
            waymark_check::check_text(file, &text, &mut loader, &CheckOptions::default())
                .diagnostics
                .len()
        }));
        match outcome {
            Ok(count) => diagnostics += count,
            Err(_) => panic!("the pipeline panicked on mutant {round} of {name}:\n{text}"),
        }
    }
    // The mutations must actually break things, or the test proves nothing.
    assert!(
        diagnostics > MUTANTS,
        "only {diagnostics} diagnostics from {MUTANTS} mutants"
    );
}

#[test]
fn large_generated_procedure_checks_clean() {
    let text = waymark_syntax::generate_procedure(2_000);
    let mut sources = Sources::new();
    let file = sources.add("generated.wm", text.clone());
    let checked = waymark_check::check_text(
        file,
        &text,
        &mut waymark_compile::NoFiles,
        &CheckOptions::default(),
    );
    assert!(
        checked.diagnostics.is_empty(),
        "{:#?}",
        &checked.diagnostics[..checked.diagnostics.len().min(5)]
    );
    assert_eq!(
        checked.procedure.map(|p| p.steps.len()),
        Some(2_000 + 3 + 200 + 1 + 1)
    );
}
