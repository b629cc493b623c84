//! Syntax tree to procedure model and state graph: resolves names, types, clocks and imports.
