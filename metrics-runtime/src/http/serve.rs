//! The server: HTTP/1.1 by hyper, one task per connection, with what no client without
//! credentials may exhaust bounded by [`LimitsConfig`].
//!
//! `axum::serve` is "intentionally simple and doesn't support any configuration": no header
//! timeout (it sets no hyper timer), no connection cap, a one-second sleep after an accept
//! error such as running out of file descriptors, and a graceful shutdown that waits for every
//! connection, however long. So this module runs its own accept loop over hyper's
//! `http1::Builder` (hyper-util's Tokio glue), and adds:
//!
//! - **Header-read timeout**: hyper's own (`http1::Builder::header_read_timeout`, with
//!   hyper-util's `TokioTimer`): from the accept, or the end of the previous response, to a
//!   complete head, so it bounds the keep-alive wait too.
//! - **Head size**: a head (request line and header lines, as sent) larger than
//!   `max_header_bytes` gets 431, however it arrives: hyper measures the parsed head
//!   (`max_header_size`) as well as its read buffer (`max_buf_size`), which caps what a
//!   connection reads while its head is incomplete. The socket is read at most 8 KiB at a
//!   time, so that buffer never holds more than the cap (hyper's own reads could take a
//!   burst past it, into a buffer grown to twice the cap).
//! - **Idle timeout**: a connection that moves no byte while none of its requests is in a
//!   handler is closed: a response the client does not read (hyper has no timer for
//!   writes; the socket notes the time of each byte moved).
//! - **Connection cap**: a `tokio::sync::Semaphore` of `max_connections` permits. At the cap,
//!   the connection idle the longest (no request in a handler, oldest last byte) is closed
//!   and its permit goes to the newcomer, so a flood of half-sent requests cannot keep a
//!   scraper out: a flooding client's connections are the idlest. Only when every connection
//!   is in a handler is a new one refused (closed at once).
//! - **Bounded drain**: at shutdown the listener closes, connections with no request in
//!   progress (idle, or still sending a head) close at once, requests in progress get
//!   `drain_timeout` to finish, and then whatever is left is dropped. Dropping the future
//!   drops every connection at once (what a second signal should do).
//! - **Stalled bodies**: a request body with no frame for `idle_timeout` fails (tower-http's
//!   `RequestBodyTimeoutLayer`), so a handler waiting on it ends and its connection can go.
//! - **Panics** in a handler are answered with 500 (tower-http's `CatchPanicLayer`); the
//!   HTTP metrics layer records them as 500.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::{AbortHandle, JoinSet};

use crate::config::{ConfigError, LimitsConfig};

/// After an accept error other than a vanished client (out of file descriptors or memory),
/// the pause before accepting again. axum pauses a whole second, during which every
/// scraper waits in the kernel's queue.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// Connections closed to make room whose tasks the runtime has not dropped yet (their
/// sockets are still open). Past this many, the accept loop waits (at most
/// [`CLOSING_WAIT`]) for the runtime to drop one before accepting more, so descriptors stay
/// near the cap under a flood.
const MAX_CLOSING: usize = 64;
const CLOSING_WAIT: Duration = Duration::from_millis(20);

/// The most one read of a connection's socket takes: one byte under hyper's first read size
/// (8 KiB). hyper doubles its next read size after a read that filled it, and reserves that
/// much room, its buffer growing by doubling; reads that never fill 8 KiB keep both at 8 KiB,
/// so the buffer grows only as far as the head needs (`max_header_bytes`, rounded up to a
/// power of two) rather than to twice its cap (hyper 1.x, `proto/h1/io.rs`).
const READ_CHUNK: usize = 8 * 1024 - 1;

/// How much of a new connection's first bytes is looked at for a complete request head.
const PEEK_BYTES: usize = 8 * 1024;

/// Whether the client has sent a whole request head already (peeked, not read: hyper reads
/// it). Such a connection is a request waiting for its first poll, which a flood must not
/// take its place from; a half-sent head never has it.
fn arrived_whole(stream: &TcpStream) -> bool {
    let mut bytes = [0u8; PEEK_BYTES];
    let mut buf = ReadBuf::new(&mut bytes);
    let mut cx = Context::from_waker(std::task::Waker::noop());
    match stream.poll_peek(&mut cx, &mut buf) {
        Poll::Ready(Ok(n)) if n > 0 => is_whole_head(buf.filled()),
        _ => false,
    }
}

/// Whether `bytes` start with a whole request head: a request line (`METHOD target HTTP/…`)
/// after any empty lines, then headers up to the blank line. Empty lines alone are not a
/// request (hyper skips them and waits), so a flood of them must stay evictable.
fn is_whole_head(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| *b != b'\r' && *b != b'\n')
        .unwrap_or(bytes.len());
    let head = &bytes[start..];
    let method = head.iter().take_while(|b| b.is_ascii_uppercase()).count();
    method > 0 && head.get(method) == Some(&b' ') && head.windows(4).any(|w| w == b"\r\n\r\n")
}

/// Serves `app` on `listener` with the default [`LimitsConfig`] until `shutdown` completes.
/// The peer address is available to the auth gate (and to axum's `ConnectInfo<SocketAddr>`).
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, &LimitsConfig::default(), shutdown).await
}

/// Serves `app` on `listener` within `limits` (usually `config.limits`) until `shutdown`
/// completes, then drains for at most `limits.drain_timeout`. Errors only when `limits` is
/// out of range ([`LimitsConfig::validate`]); accept errors are survived.
pub async fn serve_with(
    listener: TcpListener,
    app: axum::Router,
    limits: &LimitsConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    check_limits(limits).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    // A request body that stops arriving would keep its handler, and so its connection,
    // busy for ever: busy connections are never evicted at the cap, so a few hundred stalled
    // uploads would lock scrapers out. A body with no frame for `idle_timeout` fails instead.
    let app = app
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            limits.idle_timeout,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::new());
    let mut http = http1::Builder::new();
    // Both caps: `max_buf_size` bounds what is read while a head is incomplete, but hyper's
    // adaptive read can take a burst past it whole (its buffer grows by doubling), and it
    // measured the buffer only while the head was incomplete, so a 100 KiB head arriving at
    // once was served. `max_header_size` measures the parsed head itself, complete or not.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes)
        .max_header_size(limits.max_header_bytes);
    let http = Arc::new(http);
    let table = Arc::new(Table::new(limits.max_connections));
    let (stop, stopped) = watch::channel(());
    let mut tasks = JoinSet::new();
    let shutdown = shutdown;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            // In this order: a shutdown first; then the listen queue, which must not fill up
            // (the kernel drops the SYNs of a full queue, a scraper's with the flood's, and a
            // dropped SYN costs it a one-second retransmission); finished tasks last.
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) if is_connection_error(&e) => continue,
                    Err(_) => {
                        // Most likely out of file descriptors: closing the idlest connection
                        // frees one, and the kernel holds the waiting clients meanwhile.
                        drop(table.evict_idlest());
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                        continue;
                    }
                };
                let Some(permit) = table.admit() else {
                    // Every connection is in a handler: refuse this one at once.
                    drop(stream);
                    continue;
                };
                // Responses are written whole; waiting to coalesce them only adds latency.
                let _ = stream.set_nodelay(true);
                let conn = Arc::new(Conn::new(table.epoch));
                conn.head_waiting.store(arrived_whole(&stream), Ordering::Relaxed);
                let id = table.insert(Arc::clone(&conn), permit);
                let task = tasks.spawn(connection(Connection {
                    stream,
                    peer,
                    app: app.clone(),
                    http: Arc::clone(&http),
                    conn: Arc::clone(&conn),
                    idle_timeout: limits.idle_timeout,
                    stopped: stopped.clone(),
                    _registered: Registered {
                        id,
                        conn: Arc::clone(&conn),
                        table: Arc::clone(&table),
                    },
                }));
                table.set_task(id, task);
                // Reap what has finished meanwhile, so a long flood does not pile them up.
                while tasks.try_join_next().is_some() {}
                if table.closing.load(Ordering::Relaxed) > MAX_CLOSING {
                    let _ = tokio::time::timeout(CLOSING_WAIT, table.closed.notified()).await;
                }
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
    drop(listener);
    // Every connection task hears it: idle ones close, busy ones finish their request.
    drop(stop);
    let drained = async { while tasks.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(limits.drain_timeout, drained).await;
    tasks.shutdown().await;
    Ok(())
}

/// Descriptors left to the program itself besides the connections: the listener, the
/// runtime's, log files, its own clients.
const RESERVED_DESCRIPTORS: u64 = 64;

/// What [`serve_with`] checks of `limits` before it serves: their ranges
/// ([`LimitsConfig::validate`]), and that the process may hold `max_connections` open
/// connections plus 64 descriptors of its own (the soft `ulimit -n`, on Linux). A program
/// calls it before it announces that it serves, so a refusal comes first.
pub fn check_limits(limits: &LimitsConfig) -> Result<(), ConfigError> {
    limits.validate()?;
    check_descriptors(limits.max_connections)
}

/// Refuses a connection cap the process cannot hold: past its soft limit of open files
/// (`RLIMIT_NOFILE`, `ulimit -n`) accepts fail, and a flood would pin the descriptors at the
/// limit instead of at the cap, where eviction keeps room for scrapers. Read from
/// `/proc/self/limits` (Linux); elsewhere, or when it cannot be read, nothing is checked.
fn check_descriptors(max_connections: usize) -> Result<(), ConfigError> {
    let Some(soft) = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| soft_open_files(&limits))
    else {
        return Ok(());
    };
    descriptors_fit(max_connections, soft)
}

fn descriptors_fit(max_connections: usize, soft: u64) -> Result<(), ConfigError> {
    let needed = (max_connections as u64).saturating_add(RESERVED_DESCRIPTORS);
    if needed <= soft {
        return Ok(());
    }
    let what_to_do = match soft.checked_sub(RESERVED_DESCRIPTORS).filter(|n| *n > 0) {
        Some(fits) => format!(
            "set `limits.max_connections` to at most {fits}, or raise the limit (`ulimit -n`, \
             systemd's `LimitNOFILE=`, a container's `--ulimit nofile=`)"
        ),
        None => "raise the limit (`ulimit -n`, systemd's `LimitNOFILE=`, a container's \
                 `--ulimit nofile=`)"
            .to_string(),
    };
    Err(ConfigError {
        key: "limits.max_connections".to_string(),
        message: format!(
            "{max_connections} connections plus {RESERVED_DESCRIPTORS} descriptors for the \
             program need {needed} open files, but this process may open only {soft} (its \
             soft `RLIMIT_NOFILE`); a flood would then exhaust the descriptors before the cap \
             made room for scrapers: {what_to_do}"
        ),
    })
}

/// The soft limit of open files in `/proc/self/limits` (`Max open files  1024  4096  files`);
/// `None` when unlimited or unreadable.
fn soft_open_files(limits: &str) -> Option<u64> {
    limits
        .lines()
        .find_map(|line| line.strip_prefix("Max open files"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Accept errors that concern one client only: accept the next at once.
fn is_connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// What the server knows of one connection, shared by its task, its requests and the table.
#[derive(Debug)]
struct Conn {
    /// Start of the clock `last_byte` counts from: the server's, so that connections compare.
    epoch: Instant,
    /// Microseconds from `epoch` to the last byte read or written (or the accept).
    last_byte: AtomicU64,
    /// Requests inside the application's handler.
    in_handler: AtomicUsize,
    /// Requests from their head until their response body is written (or dropped).
    in_progress: AtomicUsize,
    /// Bytes written that the socket has not been flushed of yet: hyper drops a response
    /// body once it has taken it whole, before the client has read it.
    unflushed: AtomicBool,
    /// Closed by the table to make room for a newer connection.
    evicted: AtomicBool,
    /// A whole request head had arrived at the accept and no handler has taken it yet.
    head_waiting: AtomicBool,
}

impl Conn {
    /// A connection accepted now: its accept counts as its last byte, so the newest
    /// connection is never the idlest.
    fn new(epoch: Instant) -> Self {
        let conn = Conn {
            epoch,
            last_byte: AtomicU64::new(0),
            in_handler: AtomicUsize::new(0),
            in_progress: AtomicUsize::new(0),
            unflushed: AtomicBool::new(false),
            evicted: AtomicBool::new(false),
            head_waiting: AtomicBool::new(false),
        };
        conn.touch();
        conn
    }

    fn touch(&self) {
        let micros = u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.last_byte.store(micros, Ordering::Relaxed);
    }

    fn last_byte(&self) -> Instant {
        self.epoch + Duration::from_micros(self.last_byte.load(Ordering::Relaxed))
    }

    /// When the connection is due to be closed as idle, if nothing happens before. While a
    /// handler runs it is not idle; look again one timeout later.
    fn idle_deadline(&self, timeout: Duration) -> Instant {
        if self.in_handler.load(Ordering::Relaxed) > 0 {
            Instant::now() + timeout
        } else {
            self.last_byte() + timeout
        }
    }

    fn is_idle(&self, timeout: Duration) -> bool {
        self.in_handler.load(Ordering::Relaxed) == 0 && self.last_byte().elapsed() >= timeout
    }
}

/// Counts a request in `in_handler` until the handler's future ends or is dropped.
struct InHandler(Arc<Conn>);

impl InHandler {
    fn enter(conn: &Arc<Conn>) -> Self {
        conn.in_handler.fetch_add(1, Ordering::Relaxed);
        conn.head_waiting.store(false, Ordering::Relaxed);
        InHandler(Arc::clone(conn))
    }
}

impl Drop for InHandler {
    fn drop(&mut self) {
        self.0.touch();
        self.0.in_handler.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Counts a request in `in_progress` until its response body is dropped: hyper drops it once
/// written, or with the connection.
struct InProgress(Arc<Conn>);

impl InProgress {
    fn enter(conn: &Arc<Conn>) -> Self {
        conn.in_progress.fetch_add(1, Ordering::Relaxed);
        InProgress(Arc::clone(conn))
    }
}

impl Drop for InProgress {
    fn drop(&mut self) {
        self.0.in_progress.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A response body that keeps its request counted in progress while hyper writes it.
struct TrackedBody {
    body: axum::body::Body,
    _in_progress: InProgress,
}

impl http_body::Body for TrackedBody {
    type Data = <axum::body::Body as http_body::Body>::Data;
    type Error = <axum::body::Body as http_body::Body>::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The socket, noting the time of every byte that moves, for the idle timeout and for
/// choosing whom to close at the cap.
struct Metered {
    stream: TcpStream,
    conn: Arc<Conn>,
}

impl AsyncRead for Metered {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        // At most `READ_CHUNK` bytes per read, whatever room hyper offers: its buffer is
        // checked against `max_buf_size` between reads only, and the room it offers is all of
        // its spare capacity (grown by doubling), so one read could take a head past the cap,
        // and its growing read size grew the buffer to twice the cap. Small reads keep a
        // connection's buffer within `max_header_bytes`. Responses are writes, untouched; a
        // request body is read in chunks of this size too.
        // (Zeroing the chunk first keeps this safe code: hyper offers uninitialised room.)
        let room = buf.remaining().min(READ_CHUNK);
        let mut chunk = ReadBuf::new(&mut buf.initialize_unfilled_to(room)[..room]);
        let polled = Pin::new(&mut this.stream).poll_read(cx, &mut chunk);
        let n = chunk.filled().len();
        if n > 0 {
            buf.advance(n);
            this.conn.touch();
        }
        polled
    }
}

impl AsyncWrite for Metered {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        this.conn.unflushed.store(true, Ordering::Relaxed);
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.conn.touch();
        }
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        this.conn.unflushed.store(true, Ordering::Relaxed);
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.conn.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        // hyper flushes once it has written everything it holds.
        let polled = Pin::new(&mut this.stream).poll_flush(cx);
        if polled.is_ready() {
            this.conn.unflushed.store(false, Ordering::Relaxed);
        }
        polled
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// One open connection in the table: its permit of the cap and the task that serves it.
struct Slot {
    conn: Arc<Conn>,
    permit: OwnedSemaphorePermit,
    task: Option<AbortHandle>,
}

/// The open connections, for the cap and for choosing whom to close at it.
struct Table {
    /// The clock every connection's `last_byte` counts from.
    epoch: Instant,
    permits: Arc<Semaphore>,
    slots: Mutex<(u64, HashMap<u64, Slot>)>,
    /// Evicted connections whose tasks are not dropped yet.
    closing: AtomicUsize,
    /// Told each time one of those is dropped.
    closed: Notify,
}

impl Table {
    fn new(max_connections: usize) -> Self {
        Table {
            epoch: Instant::now(),
            permits: Arc::new(Semaphore::new(max_connections)),
            slots: Mutex::new((0, HashMap::new())),
            closing: AtomicUsize::new(0),
            closed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, (u64, HashMap<u64, Slot>)> {
        // Nothing panics while holding the lock; were it poisoned, the map is still whole.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A permit for a new connection: a free one, or the idlest connection's.
    fn admit(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.permits)
            .try_acquire_owned()
            .ok()
            .or_else(|| self.evict_idlest())
    }

    /// Closes the connection with no request in a handler (nor a whole head waiting for
    /// one) whose last byte is the oldest, and hands back its permit. Its task is aborted;
    /// its socket closes when the runtime drops the task, a moment later.
    fn evict_idlest(&self) -> Option<OwnedSemaphorePermit> {
        let mut guard = self.lock();
        let slots = &mut guard.1;
        let id = slots
            .iter()
            .filter(|(_, s)| {
                s.conn.in_handler.load(Ordering::Relaxed) == 0
                    && !s.conn.head_waiting.load(Ordering::Relaxed)
            })
            // On a tie, the older connection (ids grow with each accept).
            .min_by_key(|(id, s)| (s.conn.last_byte.load(Ordering::Relaxed), **id))
            .map(|(id, _)| *id)?;
        let slot = slots.remove(&id)?;
        slot.conn.evicted.store(true, Ordering::Relaxed);
        self.closing.fetch_add(1, Ordering::Relaxed);
        if let Some(task) = slot.task {
            task.abort();
        }
        Some(slot.permit)
    }

    fn insert(&self, conn: Arc<Conn>, permit: OwnedSemaphorePermit) -> u64 {
        let mut guard = self.lock();
        guard.0 += 1;
        let id = guard.0;
        guard.1.insert(
            id,
            Slot {
                conn,
                permit,
                task: None,
            },
        );
        id
    }

    fn set_task(&self, id: u64, task: AbortHandle) {
        // A task that ended already has removed its slot; nothing to note then.
        if let Some(slot) = self.lock().1.get_mut(&id) {
            slot.task = Some(task);
        }
    }

    fn remove(&self, id: u64) {
        let slot = self.lock().1.remove(&id);
        drop(slot);
    }
}

/// Removes the connection's slot (and so frees its permit) when its task ends, however it
/// ends: finished, timed out, aborted.
struct Registered {
    id: u64,
    conn: Arc<Conn>,
    table: Arc<Table>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        if self.conn.evicted.load(Ordering::Relaxed) {
            self.table.closing.fetch_sub(1, Ordering::Relaxed);
            self.table.closed.notify_one();
        }
        self.table.remove(self.id);
    }
}

/// Everything one connection's task owns.
struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    app: axum::Router,
    http: Arc<http1::Builder>,
    conn: Arc<Conn>,
    idle_timeout: Duration,
    stopped: watch::Receiver<()>,
    _registered: Registered,
}

async fn connection(c: Connection) {
    let Connection {
        stream,
        peer,
        app,
        http,
        conn,
        idle_timeout,
        mut stopped,
        _registered,
    } = c;
    let io = TokioIo::new(Metered {
        stream,
        conn: Arc::clone(&conn),
    });
    let requests = Arc::clone(&conn);
    let service = hyper::service::service_fn(move |mut req: axum::http::Request<Incoming>| {
        // What `into_make_service_with_connect_info::<SocketAddr>` gives: the gate reads it.
        req.extensions_mut().insert(ConnectInfo(peer));
        let in_progress = InProgress::enter(&requests);
        let in_handler = InHandler::enter(&requests);
        let mut app = app.clone();
        async move {
            let response = tower_service::Service::call(&mut app, req).await;
            drop(in_handler);
            response.map(|r| {
                r.map(|body| TrackedBody {
                    body,
                    _in_progress: in_progress,
                })
            })
        }
    });
    let served = http.serve_connection(io, service).with_upgrades();
    tokio::pin!(served);
    let mut draining = false;
    loop {
        let idle_at = conn.idle_deadline(idle_timeout);
        tokio::select! {
            _ = served.as_mut() => return,
            () = tokio::time::sleep_until(idle_at.into()) => {
                if conn.is_idle(idle_timeout) {
                    return;
                }
            }
            _ = stopped.changed(), if !draining => {
                draining = true;
                // Idle, or a head still arriving: no response is owed, close now (a client
                // that sent one byte must not hold the shutdown up).
                if conn.in_progress.load(Ordering::Relaxed) == 0
                    && !conn.unflushed.load(Ordering::Relaxed)
                {
                    return;
                }
                served.as_mut().graceful_shutdown();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_must_fit_the_open_files_limit() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max processes             63448                63448                processes \n\
                      Max open files            256                  524288               files     \n";
        assert_eq!(soft_open_files(limits), Some(256));
        assert_eq!(
            soft_open_files(
                "Max open files            unlimited            unlimited            files\n"
            ),
            None
        );
        assert_eq!(soft_open_files(""), None);
        assert!(descriptors_fit(192, 256).is_ok());
        let err = descriptors_fit(512, 256).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("`limits.max_connections`")
                    && e.contains("512 connections")
                    && e.contains("only 256")
                    && e.contains("at most 192")),
            "{err:?}"
        );
        let err = descriptors_fit(1, 64).err().map(|e| e.message);
        assert!(err.is_some_and(|e| e.contains("raise the limit") && !e.contains("at most")));
        assert!(descriptors_fit(usize::MAX, 1024).is_err());
    }

    #[test]
    fn blank_lines_are_not_a_whole_head() {
        assert!(is_whole_head(b"GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n"));
        assert!(is_whole_head(b"\r\n\r\nGET / HTTP/1.1\r\n\r\n"));
        assert!(!is_whole_head(b"\r\n\r\n"));
        assert!(!is_whole_head(b"\r\n\r\n\r\n\r\n"));
        assert!(!is_whole_head(b"GET /metrics HTTP/1.1\r\nX: "));
        assert!(!is_whole_head(b"garbage\r\n\r\n"));
    }
}
