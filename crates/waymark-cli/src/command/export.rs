//! `waymark export PROCEDURE --to FORMAT [-o FILE]`: draw a procedure as a flowchart (Mermaid,
//! Graphviz DOT, SVG) or a BPMN 2.0 model, with roles as swimlanes and deadlines in the boxes.

use crate::Exit;
use crate::input::ReadFailure;
use crate::loader::FileLoader;
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use waymark_check::CheckOptions;
use waymark_diagnostics::{Diagnostic, RenderOptions, Sources, render_human, summary_line};
use waymark_diff::Group;
use waymark_export::{Comparison, Format, Used};

const AFTER_HELP: &str = "\
Examples:
  waymark export procedures/assessment.wm --to svg -o assessment.svg     a picture for the wall
  waymark export procedures/assessment.wm --to mermaid                   paste into Markdown
  waymark export procedures/assessment.wm --to dot | dot -Tpng -o assessment.png
  waymark export procedures/assessment.wm --to bpmn -o assessment.bpmn   open in Camunda Modeler or bpmn.io
  waymark export examples/assessment-amendment-draft.wm --to svg --compare procedures/assessment.wm -o changes.svg
  waymark export procedures/assessment.wm --to mermaid --used box        section47.wm as one box
  waymark export procedures/assessment.wm --to svg --used inline         every step, however small

Formats:
  mermaid  a Mermaid flowchart: a subgraph per role, decisions as diamonds
  dot      a Graphviz graph: a cluster per role; draw it with `dot -Tpng` or `dot -Tsvg`
  svg      a finished picture drawn by Waymark: roles as horizontal lanes, with a legend
  bpmn     BPMN 2.0 XML with its diagram: a lane per role, user tasks, gateways, timers

With --compare OLD.wm (svg or mermaid) the drawing colours what changed since OLD: added steps
green, changed steps amber, and the steps OLD had that are gone red, in a lane of their own.

A procedure that uses another (`use section47 from \"section47.wm\"`) is drawn with it, as --used
says: `inline` draws the used procedure's steps in place; `box` draws each used procedure as one
box (a double border) saying which file draws it in full, with the lines into it going into the
box; `auto`, the default, draws an SVG inline unless its text would then print under 6 pt on an
A3 sheet, and then as boxes, and every other format inline. BPMN is always inline: its process
must run, so `--to bpmn --used box` is refused.

The procedure is checked first; a procedure with errors is not drawn (its problems are
printed, as by `waymark check`). With -o the file is written whole or not at all.
Exit codes: 0 drawn, 1 the procedure has errors, 2 usage error or the file could not be written.";

/// Draw a procedure as a flowchart or a BPMN model, with roles as swimlanes.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ExportArgs {
    /// The procedure file to draw (`.wm`).
    #[arg(value_name = "PROCEDURE")]
    pub file: String,

    /// The format to draw.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: ExportFormat,

    /// Write to this file instead of printing (written whole or not at all).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// An earlier version of the procedure: colour what changed since it (svg or mermaid).
    #[arg(long, value_name = "OLD")]
    pub compare: Option<String>,

    /// How a procedure brought in by `use` is drawn: its steps in place (inline), as one box
    /// (box), or inline unless the SVG would print too small on A3 (auto).
    #[arg(long, value_enum, value_name = "HOW", default_value_t = UsedAs::Auto)]
    pub used: UsedAs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UsedAs {
    Auto,
    Inline,
    #[value(name = "box")]
    Boxed,
}

impl From<UsedAs> for Used {
    fn from(used: UsedAs) -> Used {
        match used {
            UsedAs::Auto => Used::Auto,
            UsedAs::Inline => Used::Inline,
            UsedAs::Boxed => Used::Boxed,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Mermaid,
    Dot,
    Svg,
    Bpmn,
}

impl From<ExportFormat> for Format {
    fn from(format: ExportFormat) -> Format {
        match format {
            ExportFormat::Mermaid => Format::Mermaid,
            ExportFormat::Dot => Format::Dot,
            ExportFormat::Svg => Format::Svg,
            ExportFormat::Bpmn => Format::Bpmn,
        }
    }
}

pub fn run(args: ExportArgs) -> Exit {
    // Checked before the procedure is read, like every other misuse of the flags.
    let format: Format = args.to.into();
    let used: Used = args.used.into();
    if format == Format::Bpmn && used == Used::Boxed {
        eprintln!(
            "error: `--used box` cannot be drawn as BPMN: the BPMN process must run, and a box is \
             not a step a case can be at; use `--used inline` (or leave --used out)"
        );
        return Exit::Usage;
    }
    let mut sources = Sources::new();
    let mut loader = FileLoader::new(&mut sources);
    let file = match loader.read(&args.file) {
        Ok(file) => file,
        Err(ReadFailure::Missing(message)) => {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
        Err(ReadFailure::Unusable(diagnostic)) => {
            return refuse(vec![*diagnostic], &sources);
        }
    };
    let text = loader.text(file);
    let options = CheckOptions { guidance: None };
    let checked = waymark_check::check_text(file, &text, &mut loader, &options);
    let procedure = match checked.procedure {
        Some(procedure) if !checked.diagnostics.iter().any(Diagnostic::is_error) => procedure,
        _ => return refuse(checked.diagnostics, &sources),
    };
    if format.is_laid_out()
        && let Some(too_deep) = procedure.nesting.too_deep(
            &procedure,
            waymark_export::DEEPEST_LAID_OUT,
            "an SVG or BPMN drawing",
        )
    {
        return refuse(vec![too_deep], &sources);
    }
    let drawing = match &args.compare {
        None => match waymark_export::export_with(&procedure, format, used) {
            Some(drawing) => drawing,
            None => {
                eprintln!("error: `--used box` cannot be drawn as BPMN");
                return Exit::Usage;
            }
        },
        Some(old_path) => {
            let old = match super::diff::compile(old_path, &mut loader) {
                Ok(old) => old,
                Err(failure) => return failure.report(&sources),
            };
            let comparison = comparison(&old, &procedure);
            match waymark_export::export_compared_with(&procedure, &comparison, format, used) {
                Some(drawing) => drawing,
                None => {
                    eprintln!("error: a comparison is drawn as `--to svg` or `--to mermaid`");
                    return Exit::Usage;
                }
            }
        }
    };
    match &args.output {
        // Output that cannot be written is exit 2, as for every command.
        Some(path) => match crate::output::write_whole(path, drawing.as_bytes()) {
            Ok(()) => Exit::Success,
            Err(message) => {
                eprintln!("error: {message}");
                Exit::Usage
            }
        },
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(drawing.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => Exit::Success,
                // A closed pipe (`| head`) is not the procedure's fault, but it is not success.
                Err(error) => {
                    eprintln!("error: cannot print the drawing: {error}");
                    Exit::Problems
                }
            }
        }
    }
}

/// Prints the problems that stop a procedure being drawn.
fn refuse(mut diagnostics: Vec<Diagnostic>, sources: &Sources) -> Exit {
    diagnostics.sort_by(|a, b| {
        let file = |d: &Diagnostic| sources.name(d.primary.span.file).to_string();
        (file(a), a.sort_key()).cmp(&(file(b), b.sort_key()))
    });
    diagnostics.dedup();
    let options = RenderOptions {
        colour: std::io::stderr().is_terminal(),
        width: None,
    };
    eprint!("{}", render_human(&diagnostics, sources, options));
    eprintln!("{}", summary_line(&diagnostics, 1));
    eprintln!("error: the procedure has errors, so it was not drawn");
    Exit::Problems
}

/// Which steps to colour: what `waymark diff` reports, by the step it is about.
pub(crate) fn comparison(
    old: &waymark_compile::Procedure,
    new: &waymark_compile::Procedure,
) -> Comparison {
    let against = old
        .version
        .as_ref()
        .map_or_else(|| format!("`{}`", old.id), |v| format!("version {v}"));
    let mut comparison = Comparison {
        against,
        ..Comparison::default()
    };
    for change in waymark_diff::compare(old, new) {
        let words = waymark_export::chart::change_words(
            change.kind,
            change.before.as_deref(),
            change.after.as_deref(),
        );
        match (change.group, change.kind) {
            // The key says what changed in the procedure itself: its version and when it
            // takes effect (its title is on the drawing).
            (Group::Procedure, "version_changed" | "effective_date_changed") => {
                comparison.procedure.extend(words);
            }
            (Group::Procedure | Group::Roles | Group::Facts | Group::Sources, _) => {}
            (_, "step_added") => {
                comparison.added.insert(change.subject);
            }
            (_, "step_removed") => comparison
                .removed
                .push((change.subject, change.before.unwrap_or_default())),
            _ => {
                comparison
                    .notes
                    .entry(change.subject.clone())
                    .or_default()
                    .extend(words);
                comparison.changed.insert(change.subject);
            }
        }
    }
    // The version first, then the date it takes effect.
    comparison
        .procedure
        .sort_by_key(|words| !words.starts_with("version"));
    comparison
}
