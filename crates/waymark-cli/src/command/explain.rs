//! `waymark explain CODE`: the long explanation of a diagnostic code, rustc style.

use crate::Exit;
use clap::Args;
use waymark_diagnostics::{Code, codes, did_you_mean};

const AFTER_HELP: &str = "\
Examples:
  waymark explain WM0101          explain one code
  waymark explain dead-end        codes can be named too
  waymark explain --list          every code with its one-line summary";

/// Print the long explanation of a diagnostic code.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ExplainArgs {
    /// The code (e.g. WM0101) or its name (e.g. unknown-keyword).
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,

    /// List every code with its severity and summary.
    #[arg(long)]
    pub list: bool,
}

pub fn run(args: ExplainArgs) -> Exit {
    if args.list {
        for code in codes::ALL {
            println!(
                "{}  {:<8} {:<28} {}",
                code,
                code.severity().as_str(),
                code.name(),
                code.summary()
            );
        }
        return Exit::Success;
    }
    let Some(text) = args.code else {
        return Exit::Usage;
    };
    match text.parse::<Code>() {
        Ok(code) => {
            print!("{}", code.explanation());
            println!("\nSeverity: {}.", code.severity().as_str());
            Exit::Success
        }
        Err(()) => {
            let names = codes::ALL
                .iter()
                .flat_map(|code| [code.as_str(), code.name()]);
            let shown = crate::output::printable(&text, 60);
            eprintln!("error: `{shown}` is not a Waymark diagnostic code");
            match did_you_mean(&text, names) {
                Some(guess) => eprintln!("help: did you mean `{guess}`?"),
                None => eprintln!("help: run `waymark explain --list` to see every code"),
            }
            Exit::Usage
        }
    }
}
