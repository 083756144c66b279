//! WATCH: a stream of `{"type": ..., "object": ...}` lines. It starts from the client's
//! resourceVersion (history replay) or from a snapshot (synthetic ADDED events), sends
//! BOOKMARKs when asked, ends at `timeoutSeconds`, and reports a resourceVersion that is
//! no longer kept as a 410 Gone ERROR event so clients re-list.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::response::View;
use crate::api::Cluster;
use crate::error::{ApiError, Reason};
use crate::object;
use crate::resource::ResourceType;
use crate::selector::{FieldSelector, LabelSelector};
use crate::store::{EventType, WatchEvent};

/// How often a BOOKMARK is sent to clients that allow them.
const BOOKMARK_EVERY: Duration = Duration::from_secs(5);
/// A watch without `timeoutSeconds` ends after this long, as real servers end theirs.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);

#[derive(Debug, Clone)]
pub struct WatchRequest {
    pub rt: Arc<ResourceType>,
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    pub resource_version: Option<String>,
    pub bookmarks: bool,
    pub send_initial_events: bool,
    pub timeout: Option<Duration>,
    pub view: View,
}

impl WatchRequest {
    /// The event as this watch sees it: a MODIFIED object that enters the label selection
    /// is ADDED, one that leaves it is DELETED (as a real API server reports them).
    fn event_type(&self, e: &WatchEvent) -> Option<&'static str> {
        let in_scope = e.gr == self.rt.group_resource()
            && self.namespace.as_deref().is_none_or(|ns| !self.rt.namespaced || ns == object::namespace(&e.object))
            && self.fields.matches(&e.object);
        if !in_scope {
            return None;
        }
        let now = self.labels.matches(object::labels(&e.object));
        let before = e.old_labels.as_ref().is_some_and(|l| self.labels.matches(Some(l)));
        match (e.kind, before, now) {
            (EventType::Modified, false, true) => Some(EventType::Added.as_str()),
            (EventType::Modified, true, false) => Some(EventType::Deleted.as_str()),
            (_, _, true) => Some(e.kind.as_str()),
            _ => None,
        }
    }

    fn render(&self, kind: &str, obj: Value) -> Bytes {
        let obj = self.view.object(&self.rt, crate::api::read::at_version(&self.rt, obj));
        let mut line = serde_json::to_vec(&json!({"type": kind, "object": obj})).unwrap_or_default();
        line.push(b'\n');
        Bytes::from(line)
    }

    fn bookmark(&self, rv: u64, initial_end: bool) -> Bytes {
        let mut meta = json!({"resourceVersion": rv.to_string()});
        if initial_end {
            meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        let obj = json!({"kind": self.rt.kind, "apiVersion": self.rt.api_version(), "metadata": meta});
        let mut line = serde_json::to_vec(&json!({"type": "BOOKMARK", "object": obj})).unwrap_or_default();
        line.push(b'\n');
        Bytes::from(line)
    }
}

fn gone(message: &str) -> Bytes {
    let status = ApiError::new(Reason::Expired, message).to_status();
    let mut line = serde_json::to_vec(&json!({"type": "ERROR", "object": status})).unwrap_or_default();
    line.push(b'\n');
    Bytes::from(line)
}

/// What the stream starts with.
enum Start {
    Replay(Vec<Arc<WatchEvent>>, u64),
    Snapshot(Vec<Value>, u64),
    TooOld(u64),
}

pub fn watch(cluster: Arc<Cluster>, req: WatchRequest) -> Result<Response, ApiError> {
    let requested = match req.resource_version.as_deref() {
        None | Some("") | Some("0") => None,
        Some(v) => {
            Some(v.parse::<u64>().map_err(|_| ApiError::bad_request(format!("invalid resource version {v:?}")))?)
        }
    };
    let (rx, start) = cluster.store.subscribe_with(|s| match requested {
        Some(rv) if !req.send_initial_events => match s.events_since(rv) {
            Some(evs) => Start::Replay(evs, s.rv),
            None => Start::TooOld(rv),
        },
        _ => {
            let gr = req.rt.group_resource();
            let ns = req.namespace.as_deref().filter(|_| req.rt.namespaced);
            let objs = s
                .list(&gr, ns)
                .filter(|o| req.labels.matches(object::labels(o)) && req.fields.matches(o))
                .cloned()
                .collect();
            Start::Snapshot(objs, s.rv)
        }
    });
    let (tx, body_rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(256);
    tokio::spawn(stream(req, rx, start, tx));
    let body = Body::from_stream(ReceiverStream::new(body_rx));
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn stream(
    req: WatchRequest,
    mut rx: broadcast::Receiver<Arc<WatchEvent>>,
    start: Start,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    let send = |b: Bytes| {
        let tx = tx.clone();
        async move { tx.send(Ok(b)).await.is_ok() }
    };
    let mut last_rv = match start {
        Start::TooOld(rv) => {
            send(gone(&format!("too old resource version: {rv}"))).await;
            return;
        }
        Start::Replay(events, rv) => {
            for e in events.iter() {
                if let Some(kind) = req.event_type(e)
                    && !send(req.render(kind, e.object.clone())).await
                {
                    return;
                }
            }
            rv
        }
        Start::Snapshot(objects, rv) => {
            for o in objects {
                if !send(req.render(EventType::Added.as_str(), o)).await {
                    return;
                }
            }
            if req.send_initial_events && req.bookmarks && !send(req.bookmark(rv, true)).await {
                return;
            }
            rv
        }
    };
    let deadline = tokio::time::sleep(req.timeout.unwrap_or(DEFAULT_TIMEOUT));
    tokio::pin!(deadline);
    let mut bookmarks = tokio::time::interval(BOOKMARK_EVERY);
    bookmarks.tick().await;
    loop {
        tokio::select! {
            _ = &mut deadline => return,
            _ = tx.closed() => return,
            _ = bookmarks.tick(), if req.bookmarks => {
                if !send(req.bookmark(last_rv, false)).await { return; }
            }
            ev = rx.recv() => match ev {
                Ok(e) => {
                    if e.rv <= last_rv { continue; }
                    last_rv = e.rv;
                    if let Some(kind) = req.event_type(&e) && !send(req.render(kind, e.object.clone())).await { return; }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    send(gone("the watch fell behind; too old resource version")).await;
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}
