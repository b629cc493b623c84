//! The calendar of `--calendar`: built-in names, GOV.UK bank-holiday files and closures files,
//! read and combined for every command that counts working days (`days`, `run`).

use crate::exit::Failure;
use crate::input::{NotRead, read_regular_file};
use crate::output::shown;
use std::borrow::Cow;
use waymark_calendar::{
    Calendar, CalendarFile, Division, Holiday, builtin, builtin_names, division_named,
    parse_calendar_file,
};
use waymark_diagnostics::{Code, Diagnostic, Sources, Span, did_you_mean};

/// Builds the calendar the `--calendar` values describe. At most one of them may give the bank
/// holidays (a built-in name or a GOV.UK file); every closures file adds its days on top. With
/// no bank holidays named, `default` is used: England and Wales here, and for a command that
/// runs a procedure, the calendar its `calendar` line names.
pub(crate) fn resolve_calendar(
    values: &[String],
    default: &'static Calendar,
    sources: &mut Sources,
) -> Result<Cow<'static, Calendar>, Failure> {
    let mut base: Option<(String, Cow<'static, Calendar>)> = None;
    let mut closures: Vec<(String, Vec<Holiday>)> = Vec::new();
    for value in values {
        let (bank_holidays, extra) = match builtin(value) {
            Some(calendar) => (Some(Cow::Borrowed(calendar)), None),
            None => match read_calendar_file(value, sources)? {
                CalendarFile::BankHolidays(calendar) => (Some(Cow::Owned(calendar)), None),
                CalendarFile::Closures(days) => (None, Some(days)),
            },
        };
        if let Some(calendar) = bank_holidays {
            if let Some((first, _)) = &base {
                return Err(Failure::usage(format!(
                    "two calendars of bank holidays given: `{}` and `{}` ({})",
                    shown(first),
                    shown(value),
                    Code::RequestMalformed
                ))
                .help(
                    "give one calendar of bank holidays; any number of closures files can be \
                     added to it",
                ));
            }
            base = Some((value.clone(), calendar));
        }
        if let Some(days) = extra {
            closures.push((value.clone(), days));
        }
    }
    let mut calendar = base.map_or(Cow::Borrowed(default), |(_, calendar)| calendar);
    for (name, days) in &closures {
        calendar = Cow::Owned(calendar.with_closures(name, days));
    }
    Ok(calendar)
}

/// Reads `--calendar FILE` or `--calendar FILE#DIVISION`.
fn read_calendar_file(value: &str, sources: &mut Sources) -> Result<CalendarFile, Failure> {
    // A `#` splits off a division, unless a file is really named with the `#` in it.
    let (path, division) = match value.rsplit_once('#') {
        Some((path, division)) if !std::path::Path::new(value).exists() => (path, Some(division)),
        _ => (value, None),
    };
    let text = read_text(path, sources)?;
    let division = match division {
        Some(name) => Some(choose_division(value, name, sources)?),
        None => None,
    };
    let file = sources.add(path, text.clone());
    let chosen = division.unwrap_or(Division::EnglandAndWales);
    let parsed = parse_calendar_file(path, &text, file, chosen)
        .map_err(|problems| Failure::problems("").with(problems))?;
    if let (CalendarFile::Closures(_), Some(division)) = (&parsed, division) {
        return Err(Failure::usage(format!(
            "`#{division}` chooses a division of a GOV.UK file, but `{path}` is a closures list"
        ))
        .help(format!(
            "to add these closures to {division}'s bank holidays, write `--calendar {division} --calendar {path}`"
        )));
    }
    Ok(parsed)
}

/// The division after the `#` of a `--calendar` value; WM0403 if there is no such division.
fn choose_division(value: &str, name: &str, sources: &mut Sources) -> Result<Division, Failure> {
    let file = sources.add("--calendar", value.to_string());
    let start = value.len() - name.len();
    division_named(name, Span::new(file, start, value.len()))
        .map_err(|diagnostic| Failure::usage("").with(vec![*diagnostic]))
}

/// The text of a calendar file: a usage error if it is missing or a folder, a diagnostic
/// about the file (exit 1) if it is not a regular file, too large or not UTF-8 text.
fn read_text(path: &str, sources: &mut Sources) -> Result<String, Failure> {
    std::fs::metadata(path).map_err(|error| not_found(path, &error))?;
    let bytes = match read_regular_file(path) {
        Ok(bytes) => bytes,
        Err(NotRead::Missing(message)) => return Err(Failure::usage(message)),
        Err(NotRead::Refused(code, message)) => {
            let file = sources.add(path, "");
            let diagnostic = Diagnostic::new(code, Span::new(file, 0, 0), message)
                .label("this file")
                .help("give a calendar saved as a file: GOV.UK's bank-holidays.json or a closures list");
            return Err(Failure::problems("").with(vec![diagnostic]));
        }
    };
    String::from_utf8(bytes).map_err(|error| {
        let diagnostic = crate::input::not_utf8(path, error, sources)
            .help("save the calendar file as UTF-8 text");
        Failure::problems("").with(vec![diagnostic])
    })
}

fn not_found(path: &str, error: &std::io::Error) -> Failure {
    let looks_like_a_name = !path.contains(['/', '\\', '.']);
    if looks_like_a_name && error.kind() == std::io::ErrorKind::NotFound {
        let help = match did_you_mean(path, builtin_names().iter().copied()) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => format!(
                "the built-in calendars are {}; anything else is read as a file",
                builtin_names().join(", ")
            ),
        };
        return Failure::usage(format!("`{path}` is not a calendar name or a file")).help(help);
    }
    let why = match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    };
    Failure::usage(format!("cannot read calendar `{path}`: {why}"))
}
