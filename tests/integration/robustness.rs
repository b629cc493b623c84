//! No input makes Waymark panic: thousands of mutated copies of valid procedures (lines
//! deleted or repeated, words swapped, text cut short, random characters, texts continued on
//! the next line, well or badly) go through the whole
//! pipeline, parse, compile and check; and mutated calendar files (closures lists and GOV.UK
//! JSON, one 90 KB line included) are read, used, or refused with coded problems that render.

use std::panic::{AssertUnwindSafe, catch_unwind};
use waymark_check::CheckOptions;
use waymark_compile::Loader;
use waymark_diagnostics::{FileId, Sources};

/// How many mutated procedures the test feeds through the pipeline.
const MUTANTS: usize = 12_000;

/// A small deterministic generator (xorshift), so a failure can be replayed.
pub(crate) struct Random(pub(crate) u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Serves `use` lines from the shipped procedures, in memory.
pub(crate) struct Shipped<'a> {
    pub(crate) sources: &'a mut Sources,
    pub(crate) files: &'a [(String, String)],
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

pub(crate) fn seeds() -> Vec<(String, String)> {
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

pub(crate) fn mutate(text: &str, random: &mut Random) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..1 + random.below(3) {
        let at = random.below(lines.len().max(1));
        match random.below(8) {
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
            6 if !lines.is_empty() => continue_text(&mut lines, at, random, false),
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

/// Breaks the quoted text that ends a line over two lines at one of its spaces, as an author
/// (or `waymark fmt`) would; unless `well`, three times in eight badly: the second line not
/// indented deeper, a blank line between, or the break beside a space.
pub(crate) fn continue_text(lines: &mut Vec<String>, at: usize, random: &mut Random, well: bool) {
    let line = &lines[at];
    let code = waymark_syntax::without_comment(line).trim_end();
    let Some(open) = code.strip_suffix('"').and_then(|c| c.rfind('"')) else {
        return;
    };
    let spaces: Vec<usize> = code[open..]
        .match_indices(' ')
        .map(|(i, _)| open + i)
        .collect();
    if spaces.is_empty() {
        return;
    }
    let space = spaces[random.below(spaces.len())];
    let indent = line.len() - line.trim_start().len();
    let deeper = " ".repeat(indent + 1 + random.below(open + 1));
    let how = if well { 7 } else { random.below(8) };
    let (first, second) = match how {
        0 => (
            format!("{}\"", &line[..space]),
            format!("{}\"{}", &line[..indent], &line[space + 1..]),
        ),
        1 => (
            format!("{}\"\n", &line[..space]),
            format!("{deeper}\"{}", &line[space + 1..]),
        ),
        2 => (
            format!("{}\"", &line[..=space]),
            format!("{deeper}\"{}", &line[space + 1..]),
        ),
        _ => (
            format!("{}\"", &line[..space]),
            format!("{deeper}\"{}", &line[space + 1..]),
        ),
    };
    lines[at] = first;
    lines.insert(at + 1, second);
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

/// Calendar files to mutate: the shipped data files (closures format), a closures file with
/// ranges and comments, and a GOV.UK file written from the Scotland data, spread over lines and
/// on one line as GOV.UK serves it.
fn calendar_seeds() -> Vec<String> {
    let data = |name: &str| {
        std::fs::read_to_string(format!("crates/waymark-calendar/data/{name}")).unwrap()
    };
    let mut seeds = vec![
        data("england-and-wales.txt"),
        data("scotland.txt"),
        data("northern-ireland.txt"),
        "# Anytown closures\n2026-12-24  Christmas Eve\n2026-12-29 to 2026-12-31  Winter closure\n"
            .to_string(),
    ];
    let events: Vec<String> = data("scotland.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (date, title) = l.split_once("  ").unwrap_or((l, ""));
            format!("{{\"title\":\"{title}\",\"date\":\"{date}\",\"notes\":\"\",\"bunting\":true}}")
        })
        .collect();
    // Repeated to about 90 KB, so a problem near the end of the one-line file is past column
    // 65,535 (where miette's drawing used to panic).
    let events: Vec<String> = (0..6).flat_map(|_| events.iter().cloned()).collect();
    for division in ["england-and-wales", "scotland", "northern-ireland"] {
        let one_line = format!(
            "{{\"{division}\":{{\"division\":\"{division}\",\"events\":[{}]}}}}",
            events.join(",")
        );
        seeds.push(one_line.replace("},{", "},\n{"));
        seeds.push(one_line);
    }
    seeds
}

const CALENDAR_WORDS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "\"date\"",
    "\"events\"",
    "\"scotland\"",
    "to",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "2101-01-01",
    "1989-12-31",
    "#",
    "\u{feff}",
    "\u{0}",
    "\r",
    "é",
    "null",
    "1e999",
];

/// Mutates a calendar file as [`mutate`] does a procedure, with calendar words, and sometimes
/// as one long line (GOV.UK serves its file as a single line of 85 KB).
fn mutate_calendar(text: &str, random: &mut Random) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..1 + random.below(3) {
        let at = random.below(lines.len().max(1));
        match random.below(4) {
            0 if !lines.is_empty() => drop(lines.remove(at)),
            1 if !lines.is_empty() => {
                let copy = lines[at].clone();
                lines.insert(random.below(lines.len()), copy);
            }
            2 if !lines.is_empty() => {
                let word = CALENDAR_WORDS[random.below(CALENDAR_WORDS.len())];
                let line = &mut lines[at];
                let cut = char_boundary(line, random.below(line.len() + 1));
                line.insert_str(cut, word);
            }
            _ => swap_words(&mut lines, random),
        }
    }
    let joined = lines.join(if random.below(4) == 0 { "" } else { "\n" });
    if random.below(10) == 0 {
        let cut = char_boundary(&joined, random.below(joined.len() + 1));
        return joined[..cut].to_string();
    }
    joined
}

/// No calendar file makes Waymark panic: each mutant is read as a calendar, every problem has
/// a code and renders (human and JSON) without panicking, and a calendar that reads is used.
#[test]
fn mutated_calendar_files_never_panic_and_every_problem_is_coded() {
    use waymark_calendar::{CalendarFile, Division, Unit, default_calendar, parse_calendar_file};
    use waymark_diagnostics::{RenderOptions, render_human, render_json};
    let seeds = calendar_seeds();
    let mut random = Random(0xca1e_0da5_2026);
    let (mut read, mut refused) = (0, 0);
    let day = |text: &str| waymark_calendar::parse_date(text).unwrap();
    for round in 0..3_000 {
        let text = mutate_calendar(&seeds[round % seeds.len()], &mut random);
        let division = Division::ALL[round % Division::ALL.len()];
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut sources = Sources::new();
            let file = sources.add("calendar", text.clone());
            match parse_calendar_file("calendar", &text, file, division) {
                Ok(parsed) => {
                    let calendar = match parsed {
                        CalendarFile::BankHolidays(calendar) => calendar,
                        CalendarFile::Closures(days) => {
                            default_calendar().with_closures("closures", &days)
                        }
                    };
                    let _ = calendar.shift(day("2026-06-12"), 45, Unit::WorkingDays);
                    let _ = calendar.working_days_between(day("2025-12-01"), day("2026-12-31"));
                    Ok(())
                }
                Err(diagnostics) => {
                    let human = render_human(&diagnostics, &sources, RenderOptions::default());
                    let json = render_json(&diagnostics, &sources);
                    Err((
                        diagnostics.len(),
                        human.contains("WM04") || human.contains("WM00"),
                        json.lines().count(),
                    ))
                }
            }
        }));
        match outcome {
            Ok(Ok(())) => read += 1,
            Ok(Err((count, coded, json_lines))) => {
                assert!(
                    count > 0 && coded,
                    "an uncoded problem in mutant {round}:\n{text}"
                );
                assert_eq!(json_lines, count, "mutant {round}");
                refused += 1;
            }
            Err(_) => panic!("reading calendar mutant {round} panicked:\n{text}"),
        }
    }
    // Both outcomes must happen, or the mutations prove nothing.
    assert!(
        read > 100 && refused > 100,
        "{read} read, {refused} refused"
    );
}
