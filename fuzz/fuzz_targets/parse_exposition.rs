//! Fuzzes the compliance checker's strict exposition parser: any input gives a parse or an
//! error with a line and a short reason, never a panic; what was parsed reads back (labels
//! and timestamps are read again from the input on demand).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match metrics_exposition::parse(&text) {
        Err(e) => assert!(e.line >= 1 && !e.message.is_empty() && e.message.len() <= 2_000),
        Ok(parsed) => {
            for family in &parsed.families {
                for sample in &family.samples {
                    for (k, v) in sample.labels() {
                        assert_eq!(sample.label(k), Some(v));
                    }
                    let _ = sample.timestamp();
                }
                let _ = family.series_count();
            }
        }
    }
});
