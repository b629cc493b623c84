//! The try-a-case panel: a start date, facts and perhaps a few more records, run with
//! `waymark run`'s own reader and replay, and every row returned with its due date and the
//! explanation `waymark run --explain` would print for it. Nothing is kept.

use serde_json::{Map, Value, json};
use waymark_diagnostics::{Sources, Span};
use waymark_run::render::{due_text, when_text};
use waymark_run::{Plan, Reading};

/// Runs the trial case described by `request` (the panel's JSON) and returns the answer's
/// JSON: `{"ok": true, "state", "at", "rows": [...]}` or `{"ok": false, "problems": [...]}`.
pub fn try_case(plan: &Plan, sources: &Sources, request: &str) -> String {
    let answer = match run(plan, sources, request) {
        Ok(answer) => answer,
        Err(problems) => json!({ "ok": false, "problems": problems }),
    };
    serde_json::to_string(&answer).unwrap_or_default()
}

fn run(plan: &Plan, sources: &Sources, request: &str) -> Result<Value, Vec<String>> {
    let request: Value = serde_json::from_str(request)
        .map_err(|_| vec!["the panel's request is not JSON".to_string()])?;
    let text = |key: &str| {
        request
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
    };
    let as_of = waymark_calendar::parse_date(text("as_of")).map_err(|_| {
        vec![format!(
            "`{}` is not a date to look at the case on",
            text("as_of")
        )]
    })?;
    let start = plan.procedure.step(plan.procedure.start).id.clone();
    let mut events = vec![json!({ "step": start, "on": text("start_on") })];
    for (number, line) in text("records").lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            [step, on] => events.push(json!({ "step": step, "on": on })),
            [step, on, outcome] => {
                events.push(json!({ "step": step, "on": on, "outcome": outcome }));
            }
            _ => {
                return Err(vec![format!(
                    "record line {}: write `STEP DATE`, or `STEP DATE OUTCOME` for a decision",
                    number + 1
                )]);
            }
        }
    }
    let mut facts = Map::new();
    if let Some(given) = request.get("facts").and_then(Value::as_object) {
        for (name, value) in given {
            if value.as_str().is_some_and(|v| !v.trim().is_empty()) {
                facts.insert(name.clone(), value.clone());
            }
        }
    }
    let line = json!({ "case": "trial", "facts": facts, "events": events }).to_string();
    let case = waymark_run::parse_json_line(plan, 1, &line).map_err(|bad| {
        bad.problems
            .iter()
            .map(|p| format!("{} ({})", p.message, p.code))
            .collect::<Vec<_>>()
    })?;
    let report = waymark_run::run_case_with(plan, case, as_of, Reading::Replay);
    let locate = |span: Span| locate(sources, span);
    let explanation = waymark_run::explain::explain(plan, &report, &locate);
    // The explanation is a block for the case, then one block per row, in the rows' order.
    let blocks: Vec<&str> = explanation.split("\n\n").collect();
    let per_row = blocks.len() == report.rows.len() + 1;
    let rows: Vec<Value> = report
        .rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let step = plan.procedure.step(row.step);
            json!({
                "step": step.id,
                "title": step.title,
                "occurrence": row.occurrence,
                "status": row.status.word(),
                "due": row.due.map(due_text),
                "target": row.target.map(due_text),
                "done": row.done.map(when_text),
                "explanation": blocks.get(index + 1).filter(|_| per_row).map_or("", |b| b.trim_end()),
            })
        })
        .collect();
    Ok(json!({
        "ok": true,
        "state": report.state.word(),
        "at": report.at.iter().map(|id| plan.procedure.step(*id).id.clone()).collect::<Vec<_>>(),
        "summary": blocks.first().map(|b| b.trim_end()).unwrap_or(""),
        "explanation": if per_row { "" } else { explanation.as_str() },
        "rows": rows,
    }))
}

/// `("procedures/assessment.wm:84", "due 5 working days after referral")`.
fn locate(sources: &Sources, span: Span) -> (String, String) {
    let name = sources.name(span.file).to_string();
    let Some(file) = sources.get(span.file) else {
        return (name, String::new());
    };
    let (line, _) = file.line_column(span.start);
    let text = file.text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let text = text.split(" #").next().unwrap_or(text).trim().to_string();
    (format!("{name}:{line}"), text)
}
