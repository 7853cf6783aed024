//! The command line over a [`Catalog`]: `docs`, `json`, `sample`, `rules`, `dashboard`,
//! `check`, `coverage` and `diff`.
//!
//! A crate embeds it in a one-line binary that hands it the crate's own families
//! ([`main`]); the standalone `metrics-tools` binary reads a catalog from `--catalog FILE`
//! instead. A program with commands of its own flattens [`Command`] into its clap enum and
//! calls [`Toolkit::run`].
//!
//! Exit codes: 0 success; 1 a finding: the committed reference is stale (`docs --check`),
//! the scrape is not compliant (`check`), a breaking change (`diff`); 2 bad input
//! (unreadable file, unreachable URL, malformed exposition or catalog, unknown component, bad
//! arguments) or an I/O error, with a one-line reason on standard error.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::builder::PossibleValuesParser;
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use metrics_exposition::{FamilyHead, Sample, Visit};

use crate::docs::DocsOptions;
use crate::schema::Catalog;
use crate::{check, dashboard, diff, docs, rules, sample, scrape};

/// Exit code of a finding: stale reference, not compliant, breaking change.
pub const FINDING: u8 = 1;
/// Exit code of bad input or an I/O error.
pub const FAILURE: u8 = 2;

/// The toolkit's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the Markdown metric reference, or check that the committed one is up to date.
    Docs(DocsArgs),
    /// Print the catalog as JSON (the schema `--catalog` and `diff --baseline` read).
    Json(Selection),
    /// Print the exposition text of every family with every label combination at zero.
    Sample(Selection),
    /// Print Prometheus recording and alerting rules (YAML).
    Rules(Selection),
    /// Print a Grafana dashboard (JSON, Grafana 10/11).
    Dashboard(Selection),
    /// Check a scrape of any exporter against the catalog: declared families with their
    /// type, no forbidden labels, route templates, label values inside their declared sets,
    /// series budgets. Exit 0 compliant, 1 violations, 2 bad input.
    Check(CheckArgs),
    /// List the declared families a scrape shows as never recorded (every sample 0).
    Coverage(CoverageArgs),
    /// Compare the catalog with a baseline catalog (JSON): removed, renamed or changed
    /// families graded by stability. Exit 1 on a breaking change to a stable family.
    Diff(DiffArgs),
}

/// Output format of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per finding, for people.
    Text,
    /// The report as JSON, for tools.
    Json,
}

/// Components to generate for.
#[derive(Debug, Args)]
pub struct Selection {
    /// Only this component (repeatable); all components when absent.
    #[arg(long, value_name = "NAME")]
    component: Vec<String>,
}

/// Where a scrape comes from, and the bounds of reading and checking it.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("input").required(true).args(["url", "file", "stdin"])))]
pub struct Input {
    /// Scrape this endpoint with an HTTP GET, like Prometheus (plain HTTP only), for example
    /// http://127.0.0.1:9464/metrics.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Bearer token to send with --url.
    #[arg(
        long,
        value_name = "TOKEN",
        requires = "url",
        conflicts_with = "token_file"
    )]
    token: Option<String>,
    /// File holding the bearer token to send with --url (at most 64 KiB).
    #[arg(long, value_name = "FILE", requires = "url")]
    token_file: Option<PathBuf>,
    /// Seconds the whole command may take: fetching (--url) or reading the input, parsing
    /// and checking it. Past it the command stops with exit 2. From 0.001 to 86400.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
    /// The largest scrape read, in bytes or with a unit (512KiB, 64MiB, 1GiB). A larger
    /// scrape is bad input (exit 2), never checked in part.
    #[arg(long, value_name = "BYTES", default_value = "64MiB", value_parser = parse_bytes)]
    max_bytes: u64,
    /// Read a saved scrape (Prometheus text format 0.0.4).
    #[arg(long, value_name = "PATH")]
    file: Option<PathBuf>,
    /// `-` reads the scrape from standard input.
    #[arg(value_name = "-", value_parser = PossibleValuesParser::new(["-"]))]
    stdin: Option<String>,
}

/// The shortest `--timeout`: below a millisecond a check cannot even start.
const MIN_TIMEOUT_SECS: f64 = 0.001;
/// The longest `--timeout`: a day (and no overflow of a `Duration`).
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// `--timeout` as a duration, or why it is not one.
fn timeout_of(secs: f64) -> Result<Duration, String> {
    if !(MIN_TIMEOUT_SECS..=MAX_TIMEOUT_SECS).contains(&secs) {
        // 1e20 and 1e-12 read better as written than as 21 digits or 13 decimals.
        let tiny_or_huge = secs != 0.0 && !(1e-3..1e6).contains(&secs.abs());
        let shown = if secs.is_finite() && tiny_or_huge {
            format!("{secs:e}")
        } else {
            format!("{secs}")
        };
        return Err(format!(
            "--timeout {shown} is out of range: give seconds from {MIN_TIMEOUT_SECS} (1ms) \
             to {MAX_TIMEOUT_SECS} (a day)"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `--max-bytes`: a number of bytes, or one with a binary unit (`KiB`, `MiB`, `GiB`; `K`,
/// `M`, `G` mean the same).
fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "K" | "KiB" | "k" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        _ => return Err("give bytes, or a number with KiB, MiB or GiB".to_string()),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|n| *n > 0)
        .ok_or_else(|| "give a positive number of bytes, or one with KiB, MiB or GiB".to_string())
}

/// `check`'s arguments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The component whose families the scrape must expose, or `all`.
    #[arg(long, value_name = "NAME", default_value = check::ALL)]
    component: String,
    #[command(flatten)]
    input: Input,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// List the families whose every sample is 0 (never recorded since the exporter
    /// started); without it the text report only counts them.
    #[arg(long)]
    coverage: bool,
}

/// `coverage`'s arguments.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// The component whose families to look at, or `all`.
    #[arg(long, value_name = "NAME", default_value = check::ALL)]
    component: String,
    #[command(flatten)]
    input: Input,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// `docs`' arguments.
#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Do not write: exit 1 if the file differs from what would be written.
    #[arg(long)]
    check: bool,
    /// The reference to write or check; `-` writes to standard output. Default:
    /// `docs/metrics.md` (the program may set another).
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Only this component (repeatable).
    #[arg(long, value_name = "NAME")]
    component: Vec<String>,
}

/// `diff`'s arguments.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline catalog (JSON, as `json` printed it when the baseline was taken).
    #[arg(long, value_name = "FILE")]
    baseline: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Seconds reading the baseline and the catalog (--catalog) may take: past it (a FIFO
    /// nobody writes, a stalled pipe) the command stops with exit 2. From 0.001 to 86400.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    timeout: f64,
}

/// The standalone binary's command line: a catalog file, then a command.
#[derive(Debug, Parser)]
#[command(name = "metrics-tools", version, about = "Docs, sample, rules, dashboards, compliance check, coverage and diff for any crate's metric families", long_about = None)]
struct Cli {
    /// The catalog (JSON, as a crate's `json` command prints it). Required by the standalone
    /// binary; a program that embeds the toolkit uses its own families unless this is given.
    #[arg(long, value_name = "FILE", global = true)]
    catalog: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// A catalog and how its outputs are framed.
#[derive(Debug, Clone)]
pub struct Toolkit {
    /// The families the commands work on.
    pub catalog: Catalog,
    /// Title and introduction of the Markdown reference.
    pub docs: DocsOptions,
    /// Where `docs` writes by default.
    pub docs_path: PathBuf,
    /// The program's name, for messages.
    pub program: String,
}

impl Toolkit {
    /// The toolkit over `catalog`, with default framing (`docs/metrics.md`).
    pub fn new(catalog: Catalog) -> Self {
        let program = std::env::args()
            .next()
            .and_then(|p| {
                std::path::Path::new(&p)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "metrics".to_string());
        Toolkit {
            catalog,
            docs: DocsOptions::default(),
            docs_path: PathBuf::from("docs").join("metrics.md"),
            program,
        }
    }

    /// Runs one command; reports errors on standard error and returns the exit code.
    pub fn run(&self, command: Command) -> ExitCode {
        self.run_since(command, Instant::now())
    }

    /// [`Toolkit::run`] of a command whose `--timeout` runs from `started` (the start of the
    /// program, so that it covers reading the catalog too: [`load_catalog_within`]).
    pub fn run_since(&self, command: Command, started: Instant) -> ExitCode {
        match self.try_run(command, started) {
            Ok(code) => code,
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "{}: {message}", self.program);
                ExitCode::from(FAILURE)
            }
        }
    }

    fn try_run(&self, command: Command, started: Instant) -> Result<ExitCode, String> {
        match command {
            Command::Docs(args) => self.docs(&args),
            Command::Json(sel) => {
                print_stdout(&self.select(&sel.component)?.to_json())?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Sample(sel) => {
                print_stdout(&sample::render(&self.select(&sel.component)?))?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Rules(sel) => {
                let catalog = self.select(&sel.component)?;
                let components: Vec<_> = catalog.components.iter().collect();
                print_stdout(&rules::render(&components))?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Dashboard(sel) => {
                let catalog = self.select(&sel.component)?;
                let components: Vec<_> = catalog.components.iter().collect();
                print_stdout(&dashboard::render(&components))?;
                Ok(ExitCode::SUCCESS)
            }
            Command::Check(args) => self.check(&args, started),
            Command::Coverage(args) => self.coverage(&args, started),
            Command::Diff(args) => self.diff(&args, started),
        }
    }

    fn select(&self, names: &[String]) -> Result<Catalog, String> {
        self.catalog.select(names)
    }

    fn docs(&self, args: &DocsArgs) -> Result<ExitCode, String> {
        let rendered = docs::render(&self.select(&args.component)?, &self.docs);
        let out = args.out.clone().unwrap_or_else(|| self.docs_path.clone());
        let to_stdout = out.as_os_str() == "-";
        let path = out.display();
        match (args.check, to_stdout) {
            (false, true) => print_stdout(&rendered)?,
            (false, false) => {
                if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                }
                std::fs::write(&out, rendered).map_err(|e| format!("cannot write {path}: {e}"))?
            }
            (true, true) => {
                return Err(
                    "`docs --check` compares with a file; give `--out PATH`, not `-`".to_string(),
                );
            }
            (true, false) => {
                let problem = match std::fs::read_to_string(&out) {
                    Ok(committed) if committed == rendered => return Ok(ExitCode::SUCCESS),
                    Ok(_) => "is stale",
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => "is missing",
                    Err(e) => return Err(format!("cannot read {path}: {e}")),
                };
                let regenerate = self
                    .docs
                    .regenerate
                    .clone()
                    .unwrap_or_else(|| format!("{} docs --out {path}", self.program));
                let _ = writeln!(
                    std::io::stderr(),
                    "{}: {path} {problem}: regenerate it with `{regenerate}`",
                    self.program
                );
                return Ok(ExitCode::from(FINDING));
            }
        }
        Ok(ExitCode::SUCCESS)
    }

    fn check(&self, args: &CheckArgs, started: Instant) -> Result<ExitCode, String> {
        self.known_component(&args.component)?;
        let (catalog, component) = (self.catalog.clone(), args.component.clone());
        let report = within_timeout(&args.input, started, move |scrape| {
            let mut checker = check::Checker::new(&catalog, &component, scrape.text)?;
            scrape.parse(&mut checker)?;
            Ok(checker.report(&scrape.source))
        })?;
        let out = match args.format {
            Format::Text => report.to_text(args.coverage),
            Format::Json => to_json(&report)?,
        };
        print_stdout(&out)?;
        Ok(if report.compliant {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(FINDING)
        })
    }

    fn coverage(&self, args: &CoverageArgs, started: Instant) -> Result<ExitCode, String> {
        self.known_component(&args.component)?;
        let (catalog, component) = (self.catalog.clone(), args.component.clone());
        let (coverage, source) = within_timeout(&args.input, started, move |scrape| {
            let mut checker = check::Checker::new(&catalog, &component, scrape.text)?;
            scrape.parse(&mut checker)?;
            Ok((
                checker.report(&scrape.source).coverage,
                scrape.source.clone(),
            ))
        })?;
        let out = match args.format {
            Format::Text => {
                let mut t = format!(
                    "{} of {} declared families never recorded in {source}\n",
                    coverage.never_recorded.len(),
                    coverage.required
                );
                for name in &coverage.never_recorded {
                    t.push_str(name);
                    t.push('\n');
                }
                t
            }
            Format::Json => to_json(&coverage)?,
        };
        print_stdout(&out)?;
        Ok(ExitCode::SUCCESS)
    }

    fn diff(&self, args: &DiffArgs, started: Instant) -> Result<ExitCode, String> {
        let timeout = timeout_of(args.timeout)?;
        let deadline = started.checked_add(timeout).unwrap_or(started);
        let baseline = load_catalog_until(&args.baseline, deadline, timeout)?;
        let report = diff::diff(&baseline, &self.catalog);
        let out = match args.format {
            Format::Text => report.to_text(),
            Format::Json => to_json(&report)?,
        };
        print_stdout(&out)?;
        Ok(if report.is_breaking() {
            ExitCode::from(FINDING)
        } else {
            ExitCode::SUCCESS
        })
    }

    fn known_component(&self, name: &str) -> Result<(), String> {
        if name == check::ALL || self.catalog.component(name).is_some() {
            return Ok(());
        }
        Err(format!(
            "unknown component `{name}`; known: {}, {}",
            self.catalog.component_names().join(", "),
            check::ALL
        ))
    }
}

/// A scrape read whole, with where it came from and the deadline of its check.
struct Scrape<'t> {
    text: &'t str,
    source: String,
    /// Whether the server answered `application/openmetrics-text`.
    openmetrics: bool,
    deadline: Instant,
    timeout: Duration,
}

impl<'t> Scrape<'t> {
    /// Parses the scrape into `visit`, one family at a time, within the deadline; the error is
    /// the message to print.
    fn parse(&self, visit: &mut dyn Visit<'t>) -> Result<(), String> {
        let deadline = Some(self.deadline);
        let mut visit = VisitDyn(visit);
        // OpenMetrics when the server says so, or the text ends with `# EOF`.
        let parsed = if self.openmetrics {
            metrics_exposition::parse_each_openmetrics(self.text, deadline, &mut visit)
        } else {
            metrics_exposition::parse_each(self.text, deadline, &mut visit)
        };
        parsed.map_err(|e| {
            if e.is_timeout() {
                timed_out(self.timeout)
            } else {
                format!("{} is not a valid text exposition: {e}", self.source)
            }
        })
    }
}

/// Reads the scrape `input` names and hands it to `work` (which parses it with
/// [`Scrape::parse`]), all within `--timeout`: a worker thread does it while this one waits until the
/// deadline, so the limit holds whatever step is slow (a stalled exporter, a standard input
/// that never ends, a scrape built to be slow to check). The parser also stops by itself at
/// the deadline, so an abandoned worker does not go on computing.
fn within_timeout<T: Send + 'static>(
    input: &Input,
    started: Instant,
    work: impl FnOnce(&Scrape<'_>) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let timeout = timeout_of(input.timeout)?;
    let input = input.clone();
    let deadline = started.checked_add(timeout).unwrap_or(started);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("metrics-tools-check".to_string())
        .spawn(move || {
            let result = read_scrape(&input, deadline, timeout).and_then(|(body, source)| {
                work(&Scrape {
                    text: &body.text,
                    source,
                    openmetrics: body.openmetrics,
                    deadline,
                    timeout,
                })
            });
            // The waiting side may have given up; then nobody needs the answer.
            let _ = tx.send(result);
        })
        .map_err(|e| format!("cannot start the check: {e}"))?;
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(timed_out(timeout)),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err("the check stopped without an answer (a bug: please report it)".to_string())
        }
    }
}

/// A `dyn Visit` as a visitor `parse_each` takes.
struct VisitDyn<'v, 'a>(&'v mut dyn Visit<'a>);

impl<'a> Visit<'a> for VisitDyn<'_, 'a> {
    fn sample(&mut self, family: &FamilyHead<'a>, sample: Sample<'a>) {
        self.0.sample(family, sample);
    }

    fn end(&mut self, family: FamilyHead<'a>) {
        self.0.end(family);
    }

    fn seen(&self, name: &str) -> bool {
        self.0.seen(name)
    }
}

fn timed_out(timeout: Duration) -> String {
    format!(
        "the scrape was not read, parsed and checked within the --timeout of {}; nothing is reported (raise --timeout)",
        scrape::format_duration(timeout)
    )
}

/// Reads the scrape `input` names (within `deadline` for `--url`); returns it with a
/// description of its source.
fn read_scrape(
    input: &Input,
    deadline: Instant,
    timeout: Duration,
) -> Result<(scrape::Body, String), String> {
    let limit = scrape::Limit::scrape(input.max_bytes);
    let text = |text| scrape::Body {
        text,
        openmetrics: false,
    };
    match (&input.url, &input.file) {
        (Some(url), _) => {
            let token = match &input.token_file {
                Some(path) => Some(scrape::read_token(path)?),
                None => input.token.clone(),
            };
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timed_out(timeout));
            }
            Ok((
                scrape::fetch_body(url, token.as_deref(), left, &limit)?,
                url.clone(),
            ))
        }
        (None, Some(path)) => Ok((
            text(scrape::read_file(path, &limit, "a text exposition")?),
            path.display().to_string(),
        )),
        (None, None) => Ok((
            text(scrape::read_stdin(&limit)?),
            "standard input".to_string(),
        )),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, String> {
    let mut t =
        serde_json::to_string_pretty(value).map_err(|e| format!("cannot encode JSON: {e}"))?;
    t.push('\n');
    Ok(t)
}

/// Runs the command line over `catalog`: the whole `main` of a crate's metrics binary.
///
/// ```no_run
/// // src/bin/metrics.rs of a crate whose families are linked into it
/// fn main() -> std::process::ExitCode {
///     metrics_tools::cli::main(metrics_tools::Catalog::linked())
/// }
/// ```
///
/// `--catalog FILE` on the command line replaces `catalog` with the file's.
pub fn main(catalog: Catalog) -> ExitCode {
    main_with(Toolkit::new(catalog))
}

/// [`main`] with framing of one's own (docs title, introduction, default path).
pub fn main_with(mut toolkit: Toolkit) -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    if let Some(path) = &cli.catalog {
        match cli
            .command
            .timeout()
            .and_then(|timeout| load_catalog_within(path, timeout))
        {
            Ok(catalog) => toolkit.catalog = catalog,
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "{}: {message}", toolkit.program);
                return ExitCode::from(FAILURE);
            }
        }
    } else if let Err(message) = toolkit.catalog.validate() {
        // The crate's own catalog, held to what a catalog file is held to, so that what
        // `json` prints can always be read back with `--catalog`.
        let _ = writeln!(
            std::io::stderr(),
            "{}: the catalog of this program's components is not valid: {message}",
            toolkit.program
        );
        return ExitCode::from(FAILURE);
    }
    toolkit.run_since(cli.command, started)
}

/// The standalone binary: the catalog comes from `--catalog FILE`.
pub fn standalone() -> ExitCode {
    let started = Instant::now();
    let cli = Cli::parse();
    let Some(path) = &cli.catalog else {
        let _ = writeln!(
            std::io::stderr(),
            "metrics-tools: no catalog: give `--catalog FILE`, the JSON a crate's metrics binary prints with `json`"
        );
        return ExitCode::from(FAILURE);
    };
    match cli
        .command
        .timeout()
        .and_then(|timeout| load_catalog_within(path, timeout))
    {
        Ok(catalog) => {
            let mut toolkit = Toolkit::new(catalog);
            toolkit.program = "metrics-tools".to_string();
            toolkit.run_since(cli.command, started)
        }
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "metrics-tools: {message}");
            ExitCode::from(FAILURE)
        }
    }
}

/// Reads a catalog file (JSON), naming the file in the error.
pub fn load_catalog(path: &std::path::Path) -> Result<Catalog, String> {
    let text = scrape::read_file(path, &scrape::Limit::CATALOG, "a catalog")?;
    Catalog::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// [`load_catalog`] within `timeout` when one is given (the `--timeout` of the command,
/// [`Command::timeout`]): a catalog that is a FIFO nobody writes, or a pipe from a slow
/// producer, fails at the deadline instead of holding the command past it. The reading
/// thread is abandoned then; the program exits.
pub fn load_catalog_within(
    path: &std::path::Path,
    timeout: Option<Duration>,
) -> Result<Catalog, String> {
    let Some(timeout) = timeout else {
        return load_catalog(path);
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::Builder::new()
        .name("metrics-tools-catalog".to_string())
        .spawn(move || {
            let _ = tx.send(load_catalog(&owned));
        })
        .map_err(|e| format!("cannot start reading the catalog: {e}"))?;
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => Err(format!(
            "the catalog {} was not read within the --timeout of {}; nothing is reported (raise --timeout)",
            path.display(),
            scrape::format_duration(timeout)
        )),
    }
}

/// [`load_catalog`] by `deadline`, the end of the command's `timeout` (which the message
/// names): `diff --baseline` of a FIFO nobody writes fails there.
fn load_catalog_until(
    path: &std::path::Path,
    deadline: Instant,
    timeout: Duration,
) -> Result<Catalog, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::Builder::new()
        .name("metrics-tools-catalog".to_string())
        .spawn(move || {
            let _ = tx.send(load_catalog(&owned));
        })
        .map_err(|e| format!("cannot start reading the catalog: {e}"))?;
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(result) => result,
        Err(_) => Err(format!(
            "the catalog {} was not read within the --timeout of {}; nothing is reported (raise --timeout)",
            path.display(),
            scrape::format_duration(timeout)
        )),
    }
}

impl Command {
    /// The `--timeout` the command runs within (`check`, `coverage`, `diff`), which covers
    /// reading its catalog too; `None` for the others. An out-of-range value is the error
    /// `check` gives.
    pub fn timeout(&self) -> Result<Option<Duration>, String> {
        match self {
            Command::Check(CheckArgs { input, .. })
            | Command::Coverage(CoverageArgs { input, .. }) => timeout_of(input.timeout).map(Some),
            Command::Diff(DiffArgs { timeout, .. }) => timeout_of(*timeout).map(Some),
            _ => Ok(None),
        }
    }
}

/// Writes to standard output. A reader that went away (`| head`) ends the output quietly;
/// other errors are reported instead of panicking as `print!` does.
pub fn print_stdout(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}
