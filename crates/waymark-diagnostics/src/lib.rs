//! Coded diagnostics shared by every Waymark stage: the code table, spans, and human and JSON renderings.
//!
//! Every stage (syntax, compile, check, calendar, run) reports problems as [`Diagnostic`] values
//! whose [`Code`] comes from the single table in [`codes`]. The code's number block names the
//! stage that raises it (`WM01xx` syntax, `WM02xx` compile, ...), so a code alone tells a
//! developer which crate to open. Rendering to text or JSON is pure: it returns strings, and only
//! the CLI prints them.

pub mod codes;
mod diagnostic;
mod render;
mod sources;
mod suggest;

pub use codes::{Code, Severity};
pub use diagnostic::{Diagnostic, Label, Span};
pub use render::{RenderOptions, render_human, render_json, summary_line};
pub use sources::{FileId, SourceFile, Sources};
pub use suggest::{did_you_mean, edit_distance};
