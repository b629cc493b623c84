//! Procedure model plus case data to step statuses: due dates, met, late, pending, overdue, where each case stands.
