//! Go to definition, find references, rename, and the outline of a document.

use crate::analysis::Analysis;
use crate::symbols::{self, Kind, Occurrence};
use crate::text::{LineIndex, path_to_uri};
use lsp_types::{DocumentSymbol, Location, SymbolKind, TextEdit, Uri};
use std::collections::BTreeMap;
use std::path::Path;
use waymark_diagnostics::{FileId, Span};
use waymark_syntax::ItemKind;

/// A place in a file the analysis read.
fn location(analysis: &Analysis, file: FileId, span: Span) -> Option<Location> {
    let uri = path_to_uri(&analysis.path_of(file))?;
    let index = LineIndex::new(analysis.text_of(file));
    Some(Location::new(
        uri,
        index.range(span.start as usize, span.end as usize),
    ))
}

/// Where the name at `offset` is declared. On the name of a `use` line, the used procedure's
/// own `procedure` line.
pub fn definition(analysis: &Analysis, offset: usize) -> Option<Location> {
    let found = symbols::at(&analysis.occurrences, offset)?;
    if found.declaration {
        return used_procedure(analysis, found)
            .or_else(|| location(analysis, analysis.file, found.span));
    }
    let declared = symbols::same(&analysis.occurrences, found).find(|o| o.declaration)?;
    location(analysis, analysis.file, declared.span)
}

/// The header of the procedure a `use` line names, if `found` is that line's name.
fn used_procedure(analysis: &Analysis, found: &Occurrence) -> Option<Location> {
    let used = analysis
        .document
        .uses
        .iter()
        .find(|u| u.procedure.span == found.span)?;
    let procedure = analysis.procedure.as_ref()?;
    let file = procedure
        .used
        .iter()
        .find(|u| u.id == used.procedure.text)?
        .file;
    let header = waymark_syntax::parse(file, analysis.text_of(file))
        .document
        .header?;
    location(analysis, file, header.id.span)
}

/// Every place the name at `offset` appears.
pub fn references(analysis: &Analysis, offset: usize, declaration: bool) -> Vec<Location> {
    let Some(found) = symbols::at(&analysis.occurrences, offset) else {
        return Vec::new();
    };
    symbols::same(&analysis.occurrences, found)
        .filter(|o| declaration || !o.declaration)
        .filter_map(|o| location(analysis, analysis.file, o.span))
        .collect()
}

/// What a rename may touch: steps, roles and facts (and outcomes and sources, which are just
/// as local).
pub fn renamable(analysis: &Analysis, offset: usize) -> Option<&Occurrence> {
    symbols::at(&analysis.occurrences, offset)
}

/// Whether `name` can be a Waymark name: lower_snake_case, starting with a letter.
pub fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !waymark_syntax::KEYWORDS.contains(&name)
}

/// Refuses a rename that would break the procedure: a `use`d procedure's name (it must match
/// the `procedure` line of its own file), or a new name already taken by another of its kind.
pub fn may_rename(analysis: &Analysis, target: &Occurrence, new_name: &str) -> Result<(), String> {
    let document = &analysis.document;
    if target.kind == Kind::Step && document.uses.iter().any(|u| u.procedure.text == target.key) {
        return Err(format!(
            "`{}` is a used procedure: its name is set by the `procedure` line of its own file",
            target.key
        ));
    }
    let key = match target.kind {
        Kind::Outcome => match target.key.split_once('.') {
            Some((decision, _)) => format!("{decision}.{new_name}"),
            None => new_name.to_string(),
        },
        _ => new_name.to_string(),
    };
    let taken = analysis
        .occurrences
        .iter()
        .any(|o| o.declaration && o.kind == target.kind && o.key == key);
    if taken && key != target.key {
        return Err(format!(
            "there is already a {} named `{new_name}`",
            kind_word(target.kind)
        ));
    }
    Ok(())
}

fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Step => "step",
        Kind::Role => "role",
        Kind::Fact => "fact",
        Kind::Source => "source",
        Kind::Outcome => "outcome",
    }
}

/// The edits that rename `target` (found in `analysis`) to `new_name` in that document.
pub fn rename_in(analysis: &Analysis, target: &Occurrence, new_name: &str) -> Vec<TextEdit> {
    let index = LineIndex::new(analysis.text());
    symbols::same(&analysis.occurrences, target)
        .map(|o| {
            let (start, end) = (o.span.start as usize, o.span.end as usize);
            TextEdit::new(index.range(start, end), new_name.to_string())
        })
        .collect()
}

/// The edits in another open document joined to the renamed one by a `use` line (either way).
/// Roles and facts are shared between such files by name (each file declares them the same
/// way), so their every occurrence is renamed there too; steps, outcomes and sources belong
/// to their own file.
pub fn rename_in_other(
    other: &Analysis,
    other_path: &Path,
    renamed: &Analysis,
    renamed_path: &Path,
    target: &Occurrence,
    new_name: &str,
) -> Vec<TextEdit> {
    let joined = other.used_paths().iter().any(|p| p == renamed_path)
        || renamed.used_paths().iter().any(|p| p == other_path);
    if !joined || !matches!(target.kind, Kind::Role | Kind::Fact) {
        return Vec::new();
    }
    let index = LineIndex::new(other.text());
    other
        .occurrences
        .iter()
        .filter(|o| o.kind == target.kind && o.key == target.key)
        .map(|o| {
            let range = index.range(o.span.start as usize, o.span.end as usize);
            TextEdit::new(range, new_name.to_string())
        })
        .collect()
}

/// Collects edits by document, in the order of the documents' URIs. (Not a map keyed by
/// `Uri`, which caches parts of itself in cells and so makes a poor key.)
pub fn add_edits(changes: &mut BTreeMap<String, Vec<TextEdit>>, uri: &Uri, edits: Vec<TextEdit>) {
    if !edits.is_empty() {
        changes
            .entry(uri.as_str().to_string())
            .or_default()
            .extend(edits);
    }
}

/// The outline: roles, facts, then the items in order (a decision's outcomes under it).
#[allow(
    deprecated,
    reason = "DocumentSymbol's `deprecated` field must still be given"
)]
pub fn outline(analysis: &Analysis) -> Vec<DocumentSymbol> {
    let index = LineIndex::new(analysis.text());
    let symbol =
        |name: &str, detail: Option<String>, kind, whole: Span, name_span: Span| DocumentSymbol {
            name: name.to_string(),
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: index.range(whole.start as usize, whole.end.max(name_span.end) as usize),
            selection_range: index.range(name_span.start as usize, name_span.end as usize),
            children: None,
        };
    let document = &analysis.document;
    let mut outline = Vec::new();
    for role in &document.roles {
        let title = role.title.as_ref().map(|t| t.value.clone());
        outline.push(symbol(
            &role.id.text,
            title,
            SymbolKind::CLASS,
            role.span,
            role.id.span,
        ));
    }
    for fact in &document.facts {
        let title = fact.title.as_ref().map(|t| t.value.clone());
        outline.push(symbol(
            &fact.id.text,
            title,
            SymbolKind::FIELD,
            fact.span,
            fact.id.span,
        ));
    }
    for item in &document.items {
        let kind = match item.kind {
            ItemKind::Step => SymbolKind::FUNCTION,
            ItemKind::Decision => SymbolKind::ENUM,
            ItemKind::Together => SymbolKind::NAMESPACE,
            ItemKind::Checkpoint | ItemKind::Recurring => SymbolKind::EVENT,
            ItemKind::End => SymbolKind::CONSTANT,
        };
        let end = item.clauses.last().map_or(item.span, |c| c.span);
        let whole = Span::new(item.span.file, item.span.start as usize, end.end as usize);
        let title = item.title.as_ref().map(|t| t.value.clone());
        let detail = Some(format!(
            "{} {}",
            item.kind.keyword(),
            title.unwrap_or_default()
        ));
        let mut entry = symbol(&item.id.text, detail, kind, whole, item.id.span);
        let outcomes: Vec<DocumentSymbol> = item
            .clauses
            .iter()
            .filter_map(|c| match &c.kind {
                waymark_syntax::ClauseKind::Outcomes(names) => Some(names),
                _ => None,
            })
            .flatten()
            .map(|o| symbol(&o.text, None, SymbolKind::ENUM_MEMBER, o.span, o.span))
            .collect();
        if !outcomes.is_empty() {
            entry.children = Some(outcomes);
        }
        outline.push(entry);
    }
    outline
}
