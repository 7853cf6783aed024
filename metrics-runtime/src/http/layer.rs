//! The HTTP metrics layer: every request recorded by method, route *template*, status,
//! duration and sizes into the application's own families.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::MatchedPath;
use axum::http::{HeaderMap, header};
use futures_util::FutureExt as _;

use super::{HttpMethod, UNMATCHED_ROUTE};
use crate::LabelValue;

/// One finished request, as the metrics layer saw it.
#[derive(Debug, Clone)]
pub struct HttpObservation<'a> {
    /// The bounded method.
    pub method: HttpMethod,
    /// The matched route template, or [`UNMATCHED_ROUTE`].
    pub route: &'a str,
    /// The response status: 499 when the client went away before the response, 500 when the
    /// handler panicked (or failed).
    pub status: u16,
    /// Time from the request entering the layer to the response leaving it.
    pub duration: Duration,
    /// Request body size, when known up front: from `Content-Length` or a body of known
    /// length. A streamed body of unknown length (chunked) is `None`, never a guess.
    pub request_bytes: Option<u64>,
    /// Response body size, known the same way.
    pub response_bytes: Option<u64>,
}

impl HttpObservation<'_> {
    /// The route as a label enum whose values are the service's route templates
    /// (`#[label(route_templates)]`, one variant per template, as the router writes them:
    /// `/v1/orgs/{org_id}`): the matched template's value, or the enum's `unmatched` value
    /// for a request no route matched or a template the enum does not declare. `None` only
    /// when the enum declares neither (give it an `Unmatched` variant).
    pub fn route_label<R: LabelValue>(&self) -> Option<R> {
        R::from_value(self.route).or_else(|| R::from_value(UNMATCHED_ROUTE))
    }
}

/// Where the HTTP metrics layer records: implement it for your families (a component's
/// names carry its prefix and its own bounded enums).
pub trait HttpMetrics: Send + Sync + 'static {
    /// A request entered (count it in flight).
    fn on_request(&self, method: HttpMethod, route: &str);
    /// A request left (count it, time it, take it out of flight).
    fn on_response(&self, observation: &HttpObservation<'_>);
}

/// A tower layer recording every request into an [`HttpMetrics`]. Add it with
/// `Router::layer` as the last step, after every `route`, `merge` and `fallback`: it then
/// wraps each route (so the matched route template is known) and the fallback (so
/// unmatched requests are counted under [`UNMATCHED_ROUTE`]).
#[derive(Debug)]
pub struct HttpMetricsLayer<M> {
    metrics: Arc<M>,
}

impl<M> Clone for HttpMetricsLayer<M> {
    fn clone(&self) -> Self {
        HttpMetricsLayer {
            metrics: Arc::clone(&self.metrics),
        }
    }
}

impl<M: HttpMetrics> HttpMetricsLayer<M> {
    /// A layer recording into `metrics`.
    pub fn new(metrics: M) -> Self {
        HttpMetricsLayer {
            metrics: Arc::new(metrics),
        }
    }
}

impl<S, M> tower_layer::Layer<S> for HttpMetricsLayer<M> {
    type Service = HttpMetricsService<S, M>;
    fn layer(&self, inner: S) -> Self::Service {
        HttpMetricsService {
            inner,
            metrics: Arc::clone(&self.metrics),
        }
    }
}

/// The service of [`HttpMetricsLayer`].
#[derive(Debug)]
pub struct HttpMetricsService<S, M> {
    inner: S,
    metrics: Arc<M>,
}

impl<S: Clone, M> Clone for HttpMetricsService<S, M> {
    fn clone(&self) -> Self {
        HttpMetricsService {
            inner: self.inner.clone(),
            metrics: Arc::clone(&self.metrics),
        }
    }
}

/// Records the request when dropped: on completion with its status, on cancellation as 499
/// (the client went away), after a panic as 500.
struct Pending<M: HttpMetrics> {
    metrics: Arc<M>,
    method: HttpMethod,
    route: Option<MatchedPath>,
    started: Instant,
    request_bytes: Option<u64>,
    done: Option<(u16, Option<u64>)>,
}

impl<M: HttpMetrics> Drop for Pending<M> {
    fn drop(&mut self) {
        let (status, response_bytes) = self.done.unwrap_or((499, None));
        let route = self
            .route
            .as_ref()
            .map_or(UNMATCHED_ROUTE, MatchedPath::as_str);
        self.metrics.on_response(&HttpObservation {
            method: self.method,
            route,
            status,
            duration: self.started.elapsed(),
            request_bytes: self.request_bytes,
            response_bytes,
        });
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

impl<S, M, ReqBody, ResBody> tower_service::Service<axum::http::Request<ReqBody>>
    for HttpMetricsService<S, M>
where
    S: tower_service::Service<
            axum::http::Request<ReqBody>,
            Response = axum::http::Response<ResBody>,
        >,
    S::Future: Send + 'static,
    ResBody: http_body::Body,
    M: HttpMetrics,
    ReqBody: http_body::Body,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: axum::http::Request<ReqBody>) -> Self::Future {
        let method = HttpMethod::of(req.method());
        // The route template the router matched; the raw path is never read.
        let route = req.extensions().get::<MatchedPath>().cloned();
        let request_bytes =
            content_length(req.headers()).or_else(|| req.body().size_hint().exact());
        self.metrics.on_request(
            method,
            route.as_ref().map_or(UNMATCHED_ROUTE, MatchedPath::as_str),
        );
        let mut pending = Pending {
            metrics: Arc::clone(&self.metrics),
            method,
            route,
            started: Instant::now(),
            request_bytes,
            done: None,
        };
        // A panic is a server error, not a client that went away: it is recorded as 500 and
        // then goes on unwinding, so the layer changes nothing of what the application does
        // (`http::serve` answers it with a 500; another server may drop the connection).
        let fut = match std::panic::catch_unwind(AssertUnwindSafe(|| self.inner.call(req))) {
            Ok(fut) => fut,
            Err(panic) => {
                pending.done = Some((500, None));
                drop(pending);
                std::panic::resume_unwind(panic)
            }
        };
        Box::pin(async move {
            let result = match AssertUnwindSafe(fut).catch_unwind().await {
                Ok(result) => result,
                Err(panic) => {
                    pending.done = Some((500, None));
                    drop(pending);
                    std::panic::resume_unwind(panic)
                }
            };
            if let Ok(res) = &result {
                let size = content_length(res.headers()).or_else(|| res.body().size_hint().exact());
                pending.done = Some((res.status().as_u16(), size));
            } else {
                pending.done = Some((500, None));
            }
            drop(pending);
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// The statuses the layer recorded.
    #[derive(Clone, Default)]
    struct Statuses(Arc<Mutex<Vec<u16>>>);

    impl HttpMetrics for Statuses {
        fn on_request(&self, _method: HttpMethod, _route: &str) {}
        fn on_response(&self, o: &HttpObservation<'_>) {
            if let Ok(mut seen) = self.0.lock() {
                seen.push(o.status);
            }
        }
    }

    /// A panicking handler is recorded as 500, not 499 (the client went away); the panic goes
    /// on unwinding, so the layer changes nothing of what the application does.
    #[test]
    fn a_panic_is_recorded_as_500_and_goes_on() {
        let statuses = Statuses::default();
        let mut app = axum::Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    if std::hint::black_box(true) {
                        panic!("the handler panics (on purpose: http::layer tests)");
                    }
                    "unreachable"
                }),
            )
            .route("/ok", axum::routing::get(|| async { "ok" }))
            .layer(HttpMetricsLayer::new(statuses.clone()));
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().build() else {
            panic!("a runtime")
        };
        let request = |path: &str| {
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap_or_default()
        };
        let ok = rt.block_on(tower_service::Service::call(&mut app, request("/ok")));
        assert!(ok.is_ok_and(|r| r.status() == 200));
        let boom = rt.block_on(
            AssertUnwindSafe(tower_service::Service::call(&mut app, request("/boom")))
                .catch_unwind(),
        );
        assert!(boom.is_err(), "the panic goes on");
        let seen = statuses.0.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(seen, vec![200, 500]);
    }
}
