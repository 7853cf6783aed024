//! Fuzzes the compliance checker's strict exposition parser: any input gives a parse or an
//! error with a line and a short reason, never a panic; what was parsed reads back (labels
//! and timestamps are read again from the input on demand).
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Counts what `parse_each` hands over.
#[derive(Default)]
struct Count(usize, usize);

impl<'a> metrics_exposition::Visit<'a> for Count {
    fn sample(
        &mut self,
        _: &metrics_exposition::FamilyHead<'a>,
        _: metrics_exposition::Sample<'a>,
    ) {
        self.1 += 1;
    }
    fn end(&mut self, _: metrics_exposition::FamilyHead<'a>) {
        self.0 += 1;
    }
}

/// Remembers the families handed over, so the parse stops where one opens again.
#[derive(Default)]
struct Remember<'a>(Vec<&'a str>);

impl<'a> metrics_exposition::Visit<'a> for Remember<'a> {
    fn sample(
        &mut self,
        _: &metrics_exposition::FamilyHead<'a>,
        _: metrics_exposition::Sample<'a>,
    ) {
    }
    fn end(&mut self, family: metrics_exposition::FamilyHead<'a>) {
        self.0.push(family.name);
    }
    fn seen(&self, name: &str) -> bool {
        self.0.contains(&name)
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // One family at a time gives the same verdict and error as the whole parse.
    let mut count = Count::default();
    let each = metrics_exposition::parse_each(&text, None, &mut count);
    let whole = metrics_exposition::parse(&text);
    match (&each, &whole) {
        (Ok(()), Ok(p)) => assert_eq!(
            (count.0, count.1),
            (
                p.families.len(),
                p.families.iter().map(|f| f.samples.len()).sum()
            )
        ),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("parse_each {each:?} and parse disagree"),
    }
    // Stopping early where a remembered family opens again gives the same error too.
    let early = metrics_exposition::parse_each(&text, None, &mut Remember::default());
    assert_eq!(early.err(), whole.as_ref().err().cloned());
    match whole {
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
