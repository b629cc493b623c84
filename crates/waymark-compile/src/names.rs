//! Name tables: one namespace each for steps, roles, facts and sources, with suggestions.
#![allow(
    clippy::indexing_slicing,
    reason = "each namespace's slot indexes lists with one entry per namespace"
)]

use std::collections::HashMap;
use waymark_diagnostics::did_you_mean;

/// The kinds of name that live apart: a role and a step may share a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespace {
    Step,
    Role,
    Fact,
    Source,
}

impl Namespace {
    fn slot(self) -> usize {
        self as usize
    }
}

/// Maps each name to its index in the model, and remembers declaration order so that
/// suggestions are deterministic.
#[derive(Default)]
pub struct NameTable {
    indexes: [HashMap<String, usize>; 4],
    order: [Vec<String>; 4],
}

impl NameTable {
    pub fn find(&self, namespace: Namespace, name: &str) -> Option<usize> {
        self.indexes[namespace.slot()].get(name).copied()
    }

    pub fn insert(&mut self, namespace: Namespace, name: &str, index: usize) {
        self.indexes[namespace.slot()].insert(name.to_string(), index);
        self.order[namespace.slot()].push(name.to_string());
    }

    /// The declared name closest to `name`, if one is close enough to be a likely slip.
    pub fn suggest(&self, namespace: Namespace, name: &str) -> Option<String> {
        did_you_mean(
            name,
            self.order[namespace.slot()].iter().map(String::as_str),
        )
        .map(str::to_string)
    }
}
