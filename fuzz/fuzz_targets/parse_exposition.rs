//! Fuzzes the compliance checker's strict exposition parser: any input gives a parse or an
//! error with a line and a reason, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = metrics_exposition::parse(&text) {
        assert!(e.line >= 1 && !e.message.is_empty());
    }
});
