//! Run-time checks of names that arrive at run time (global labels from config). The same
//! rules as the derive's R1 and R6.

/// Checks a label name: `[a-z_][a-z0-9_]*`, not `__`-prefixed, not `le` or `quantile`.
pub fn label_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let ok_first = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    if !ok_first || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(format!(
            "label name `{name}` is not snake case `[a-z_][a-z0-9_]*`"
        ));
    }
    if name.starts_with("__") {
        return Err(format!(
            "label name `{name}` starts with `__`, which Prometheus reserves"
        ));
    }
    if name == "le" || name == "quantile" {
        return Err(format!(
            "label name `{name}` is reserved for histogram and summary samples"
        ));
    }
    Ok(())
}
