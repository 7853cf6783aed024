//! The metrics policy as data (filled in by the policy split).
