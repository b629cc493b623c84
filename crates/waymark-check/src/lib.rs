//! Procedure model to diagnostics: graph shape, deadlines, roles, facts and citations.
