//! A deterministic, seeded generator of synthetic cases, for tests and benches.
