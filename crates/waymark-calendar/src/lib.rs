//! Working-day calendars: UK bank holidays and O(1) due-date arithmetic from precomputed tables.
