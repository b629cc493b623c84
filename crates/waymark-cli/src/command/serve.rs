//! `waymark serve PROCEDURE`: a live preview page on 127.0.0.1. This file reads and watches
//! the files and builds each state of the page; `waymark-serve` serves it.

use crate::Exit;
use crate::input::ReadFailure;
use crate::loader::FileLoader;
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use waymark_check::CheckOptions;
use waymark_compile::Procedure;
use waymark_diagnostics::{Diagnostic, Sources};
use waymark_export::Format;
use waymark_serve::{Live, PageInput, Server, Snapshot, page_json};

/// The preview draws every step of a used procedure, each one to click, whatever its size on
/// paper (`waymark export` may draw a used procedure as one box to print legibly).
const INLINE: waymark_export::Used = waymark_export::Used::Inline;

const AFTER_HELP: &str = "\
Examples:
  waymark serve procedures/assessment.wm                 then open http://127.0.0.1:4100/
  waymark serve procedures/assessment.wm --port 8080
  waymark serve examples/assessment-amendment-draft.wm --compare procedures/assessment.wm

The page shows the flowchart beside the diagnostics, and redraws by itself within a second of
the file (or a file it uses) being saved. Click a step for its rules in words and its
citations. \"Try a case\" takes a start date and facts and shows every due date with its
explanation, computed by the same code as `waymark run`. With --compare, the chart colours
what changed since OLD.wm and `waymark diff`'s report is shown beside it.

The page is served on 127.0.0.1 only, with everything it needs built into `waymark`: nothing
is fetched from the network, and nothing entered in the page is kept. Ctrl-C stops it.

Exit codes: 2 the procedure file does not exist or the port cannot be used; otherwise it runs
until stopped.";

/// Serve a live preview page of a procedure on 127.0.0.1.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ServeArgs {
    /// The procedure file (`.wm`).
    #[arg(value_name = "PROCEDURE")]
    pub procedure: String,

    /// The port on 127.0.0.1 (0: any free port, printed at start).
    #[arg(long, value_name = "N", default_value_t = 4100)]
    pub port: u16,

    /// An earlier version: colour what changed, and show `waymark diff`'s report beside.
    #[arg(long, value_name = "OLD.wm")]
    pub compare: Option<String>,
}

/// How often the files are looked at: a save shows within a second.
const POLL: Duration = Duration::from_millis(250);

pub fn run(args: ServeArgs) -> Exit {
    let path = std::path::Path::new(&args.procedure);
    if !path.is_file() {
        let why = match path.is_dir() {
            true => "it is a folder, not a procedure file",
            false => "no such file",
        };
        eprintln!("error: cannot read `{}`: {why}", args.procedure);
        return Exit::Usage;
    }
    let (first, mut watched) = snapshot(&args);
    let live = Arc::new(Live::new(first));
    let server = match Server::bind(args.port, Arc::clone(&live)) {
        Ok(server) => server,
        Err(error) => {
            eprintln!(
                "error: cannot serve on 127.0.0.1:{}: {error}\nhelp: choose another with --port, or --port 0 for any free port",
                args.port
            );
            return Exit::Usage;
        }
    };
    println!(
        "Waymark preview of {} at http://127.0.0.1:{}/ (Ctrl-C stops it)",
        args.procedure,
        server.port()
    );
    std::thread::spawn(move || server.run());
    loop {
        std::thread::sleep(POLL);
        if watched.changed() {
            let (next, files) = snapshot(&args);
            watched = files;
            live.publish(next);
        }
    }
}

/// The files a snapshot was built from, with their modification time and size then.
struct Watched(Vec<(PathBuf, Option<(SystemTime, u64)>)>);

impl Watched {
    fn of(paths: impl IntoIterator<Item = PathBuf>) -> Watched {
        Watched(paths.into_iter().map(|p| (p.clone(), stamp(&p))).collect())
    }

    fn changed(&self) -> bool {
        self.0.iter().any(|(path, then)| stamp(path) != *then)
    }
}

fn stamp(path: &PathBuf) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Reads, checks and draws the procedure (and the earlier version), for one state of the page.
fn snapshot(args: &ServeArgs) -> (Snapshot, Watched) {
    let mut sources = Sources::new();
    let (procedure, mut diagnostics) = check(&args.procedure, &mut sources);
    // The page draws an SVG, which cannot take blocks nested too deep.
    diagnostics.extend(procedure.as_ref().and_then(|p| {
        p.nesting
            .too_deep(p, waymark_export::DEEPEST_LAID_OUT, "the preview's drawing")
    }));
    diagnostics.sort_by_key(Diagnostic::sort_key);
    let clean = !diagnostics.iter().any(Diagnostic::is_error);
    let old = args.compare.as_deref().map(|path| {
        let mut old_sources = Sources::new();
        (path, check(path, &mut old_sources))
    });
    let (svg, compare) = match (&procedure, &old) {
        (Some(new), Some((path, (Some(old), old_problems))))
            if clean && !old_problems.iter().any(Diagnostic::is_error) =>
        {
            let changes = waymark_diff::compare(old, new);
            let diff = waymark_diff::render(old, new, &changes, None, waymark_diff::Format::Human);
            let comparison = super::export::comparison(old, new);
            let svg = waymark_export::export_compared_with(new, &comparison, Format::Svg, INLINE);
            (svg, Some((*path, diff)))
        }
        (Some(new), Some((path, _))) if clean => (
            waymark_export::export_with(new, Format::Svg, INLINE),
            Some((
                *path,
                format!(
                    "`{path}` has errors, so it cannot be compared: `waymark check {path}` shows them"
                ),
            )),
        ),
        (Some(new), None) if clean => (waymark_export::export_with(new, Format::Svg, INLINE), None),
        (_, old) => (None, old.as_ref().map(|(path, _)| (*path, String::new()))),
    };
    let page = page_json(&PageInput {
        path: &args.procedure,
        procedure: procedure.as_ref(),
        diagnostics: &diagnostics,
        sources: &sources,
        svg,
        compare,
    });
    let mut paths: Vec<PathBuf> = (0..sources.len() as u32)
        .map(|i| PathBuf::from(sources.name(waymark_diagnostics::FileId(i))))
        .collect();
    paths.push(PathBuf::from(&args.procedure));
    paths.extend(args.compare.iter().map(PathBuf::from));
    paths.sort();
    paths.dedup();
    let snapshot = Snapshot {
        page,
        procedure: procedure.filter(|_| clean),
        sources,
    };
    (snapshot, Watched::of(paths))
}

/// Every diagnostic of a procedure file (errors and warnings) and the procedure when it
/// compiled. A file missing for a moment (an editor saving by renaming) is one diagnostic.
fn check(path: &str, sources: &mut Sources) -> (Option<Procedure>, Vec<Diagnostic>) {
    let mut loader = FileLoader::new(sources);
    let file = match loader.read(path) {
        Ok(file) => file,
        Err(ReadFailure::Unusable(diagnostic)) => return (None, vec![*diagnostic]),
        Err(ReadFailure::Missing(message)) => {
            let file = loader.sources.add(path, "");
            let diagnostic = Diagnostic::new(
                waymark_diagnostics::Code::FileUnreadable,
                waymark_diagnostics::Span::new(file, 0, 0),
                message,
            )
            .label("this file")
            .help("the page redraws when the file is back");
            return (None, vec![diagnostic]);
        }
    };
    let text = loader.text(file);
    let checked = waymark_check::check_text(file, &text, &mut loader, &CheckOptions::default());
    (checked.procedure, checked.diagnostics)
}
