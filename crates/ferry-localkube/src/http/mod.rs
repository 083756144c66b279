//! The HTTP face of a cluster: one axum fallback handler that routes Kubernetes API paths
//! to [`crate::api`], built without a socket so tests can drive it in-process.

pub mod request;
pub mod response;
pub mod watch;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::Value;

use crate::api::delete::{self, DeleteOptions};
use crate::api::patch::{self, PatchType};
use crate::api::read::{self, ListOptions};
use crate::api::{Cluster, FieldValidation, Target, WriteOptions, write};
use crate::discovery;
use crate::error::{ApiError, ApiResult, Reason};
use crate::openapi;
use crate::resource::ResourceType;
use crate::selector::{FieldSelector, LabelSelector};
use request::{MAX_BODY, ObjectRoute, Query, Route, decode_body, route};
use response::{View, json_response, json_typed};

#[derive(Clone)]
struct Ctx {
    cluster: Arc<Cluster>,
    address: String,
}

/// The router for one cluster; `address` is what discovery reports as the server address.
pub fn router(cluster: Arc<Cluster>, address: String) -> Router {
    Router::new().fallback(handle).with_state(Ctx { cluster, address })
}

/// The parts of a request the handlers read.
struct Req {
    method: Method,
    query: Query,
    headers: HeaderMap,
    body: Bytes,
}

impl Req {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    fn view(&self) -> View {
        View::from_accept(self.header(header::ACCEPT), self.query.get("includeObject"))
    }

    fn body(&self) -> ApiResult<Value> {
        decode_body(self.header(header::CONTENT_TYPE), &self.body)
    }

    fn write_options(&self, apply: bool) -> ApiResult<WriteOptions> {
        let explicit = self.query.get("fieldManager").filter(|m| !m.is_empty()).map(String::from);
        if explicit.as_ref().is_some_and(|m| m.len() > 128) {
            return Err(ApiError::bad_request("fieldManager: Too long: must have at most 128 bytes"));
        }
        let agent = self.header(header::USER_AGENT).split('/').next().unwrap_or("").to_string();
        let manager = if apply { explicit.unwrap_or_default() } else { explicit.unwrap_or(agent) };
        Ok(WriteOptions {
            dry_run: self.query.dry_run()?,
            manager,
            validation: FieldValidation::parse(self.query.get("fieldValidation").unwrap_or(""))?,
            force: self.query.flag("force"),
        })
    }

    fn list_options(&self, rt: &ResourceType) -> ApiResult<ListOptions> {
        Ok(ListOptions {
            labels: self.labels()?,
            fields: self.fields(rt)?,
            limit: self.query.number("limit")?.map(|l| l as usize),
            continue_token: self.query.get("continue").filter(|c| !c.is_empty()).map(String::from),
        })
    }

    fn labels(&self) -> ApiResult<LabelSelector> {
        LabelSelector::parse(self.query.get("labelSelector").unwrap_or("")).map_err(ApiError::bad_request)
    }

    fn fields(&self, rt: &ResourceType) -> ApiResult<FieldSelector> {
        FieldSelector::parse(self.query.get("fieldSelector").unwrap_or(""), &rt.kind).map_err(ApiError::bad_request)
    }
}

async fn handle(State(ctx): State<Ctx>, method: Method, uri: Uri, headers: HeaderMap, body: Body) -> Response {
    let body = match axum::body::to_bytes(body, MAX_BODY + 1).await {
        Ok(b) => b,
        Err(_) => return request::too_large().into_response(),
    };
    let req = Req { method, query: Query::parse(uri.query()), headers, body };
    let started = std::time::Instant::now();
    let response = dispatch(&ctx, uri.path(), &req).unwrap_or_else(IntoResponse::into_response);
    tracing::debug!(cluster = %ctx.cluster.name, method = %req.method, path = uri.path(), status = response.status().as_u16(), elapsed_us = started.elapsed().as_micros() as u64, "request");
    response
}

fn dispatch(ctx: &Ctx, path: &str, req: &Req) -> ApiResult<Response> {
    let registry = ctx.cluster.store.read(|s| s.registry.clone());
    let namespaced = |g: &str, v: &str, r: &str| registry.lookup(g, v, r).is_some_and(|t| t.namespaced);
    let accept = req.header(header::ACCEPT);
    let not_found = || ApiError::new(Reason::NotFound, "the server could not find the requested resource");
    let ok = |v: Value| Ok(json_response(200, &v, &[]));
    match route(path, namespaced).ok_or_else(not_found)? {
        Route::Health => Ok("ok".into_response()),
        Route::Version => ok(discovery::version()),
        Route::ApiVersions if discovery::wants_aggregated(accept) => {
            Ok(json_typed(200, &discovery::aggregated(&registry, true), &[], discovery::AGGREGATED_V2))
        }
        Route::ApiVersions => ok(discovery::api_versions(&ctx.address)),
        Route::Groups if discovery::wants_aggregated(accept) => {
            Ok(json_typed(200, &discovery::aggregated(&registry, false), &[], discovery::AGGREGATED_V2))
        }
        Route::Groups => ok(discovery::group_list(&registry)),
        Route::Group(g) => ok(discovery::group(&registry, &g).ok_or_else(not_found)?),
        Route::Resources { group, version } => {
            ok(discovery::resource_list(&registry, &group, &version).ok_or_else(not_found)?)
        }
        Route::OpenApiV3Index => ok(openapi::index(&registry)),
        Route::OpenApiV3 { group, version } => {
            ok(openapi::document(&registry, &group, &version).ok_or_else(not_found)?)
        }
        // An empty protobuf document: clients that fall back to OpenAPI v2 for validation
        // find no schema and leave validation to this server (it validates with
        // `fieldValidation`), as they do for kinds a real server publishes no schema for.
        Route::OpenApiV2 => {
            Ok(([(header::CONTENT_TYPE, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")], Bytes::new())
                .into_response())
        }
        Route::Object(o) => {
            let rt = registry.lookup(&o.group, &o.version, &o.resource).ok_or_else(not_found)?;
            object_request(ctx, rt, &o, req)
        }
    }
}

fn check_subresource(rt: &ResourceType, sub: Option<&str>) -> ApiResult<()> {
    let ok = match sub {
        None => true,
        Some("status") => rt.status,
        Some("scale") => rt.scale.is_some(),
        Some("finalize") => rt.kind == "Namespace",
        Some(_) => false,
    };
    if ok { Ok(()) } else { Err(ApiError::new(Reason::NotFound, "the server could not find the requested resource")) }
}

fn object_request(ctx: &Ctx, rt: Arc<ResourceType>, o: &ObjectRoute, req: &Req) -> ApiResult<Response> {
    check_subresource(&rt, o.subresource.as_deref())?;
    let cluster = &ctx.cluster;
    let sub = o.subresource.as_deref().filter(|s| *s != "finalize");
    let Some(name) = o.name.as_deref() else {
        return collection_request(ctx, rt, o, req);
    };
    let t = Target { rt: &rt, namespace: o.namespace.as_deref(), name };
    let view = req.view();
    let written = |w: crate::api::Written, code: u16| {
        let body = if sub == Some("scale") { w.object } else { view.object(&rt, read::at_version(&rt, w.object)) };
        Ok(json_response(code, &body, &w.warnings))
    };
    match req.method {
        Method::GET if req.query.flag("watch") => {
            let mut w = watch_request(rt.clone(), o, req)?;
            w.fields =
                FieldSelector::parse(&format!("metadata.name={name}"), &rt.kind).map_err(ApiError::bad_request)?;
            watch::watch(cluster.clone(), w)
        }
        Method::GET if sub == Some("scale") => {
            let obj = read::get(cluster, &t)?;
            Ok(json_response(200, &patch::scale_of(&rt, &obj), &[]))
        }
        Method::GET => Ok(json_response(200, &view.object(&rt, read::get(cluster, &t)?), &[])),
        Method::PUT if sub == Some("scale") => {
            let w = patch::update_scale(cluster, &t, req.body()?, &req.write_options(false)?)?;
            written(w, 200)
        }
        Method::PUT => written(write::update(cluster, &t, req.body()?, &req.write_options(false)?, sub)?, 200),
        Method::PATCH => {
            let ct = req.header(header::CONTENT_TYPE);
            let kind = PatchType::from_content_type(ct).ok_or_else(|| {
                ApiError::new(Reason::UnsupportedMediaType, format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {ct:?})"))
            })?;
            let opts = req.write_options(kind == PatchType::Apply)?;
            let w = patch::patch(cluster, &t, kind, req.body()?, &opts, sub)?;
            let code = if w.created { 201 } else { 200 };
            written(w, code)
        }
        Method::DELETE => {
            let body = if req.body.is_empty() { None } else { Some(req.body()?) };
            let opts = DeleteOptions::parse(body.as_ref(), req.query.get("propagationPolicy"), req.query.dry_run()?)?;
            let obj = delete::delete(cluster, &t, &opts)?;
            Ok(json_response(200, &read::at_version(&rt, obj), &[]))
        }
        _ => Err(method_not_allowed(&req.method)),
    }
}

fn method_not_allowed(m: &Method) -> ApiError {
    ApiError::new(
        Reason::MethodNotAllowed,
        format!("the server does not allow this method on the requested resource ({m})"),
    )
}

fn collection_request(ctx: &Ctx, rt: Arc<ResourceType>, o: &ObjectRoute, req: &Req) -> ApiResult<Response> {
    let cluster = &ctx.cluster;
    if o.subresource.is_some() {
        return Err(method_not_allowed(&req.method));
    }
    let namespace = o.namespace.as_deref();
    match req.method {
        Method::GET if req.query.flag("watch") => watch::watch(cluster.clone(), watch_request(rt, o, req)?),
        Method::GET => {
            let list = read::list(cluster, &rt, namespace, &req.list_options(&rt)?)?;
            Ok(json_response(200, &req.view().list(&rt, list), &[]))
        }
        Method::POST => {
            if rt.namespaced && namespace.is_none() {
                return Err(ApiError::new(Reason::NotFound, "the server could not find the requested resource"));
            }
            let t = Target { rt: &rt, namespace, name: "" };
            let w = write::create(cluster, &t, req.body()?, &req.write_options(false)?)?;
            let body = req.view().object(&rt, w.object);
            Ok(json_response(201, &body, &w.warnings))
        }
        Method::DELETE => {
            let body = if req.body.is_empty() { None } else { Some(req.body()?) };
            let opts = DeleteOptions::parse(body.as_ref(), req.query.get("propagationPolicy"), req.query.dry_run()?)?;
            let list = delete::delete_collection(cluster, &rt, namespace, &req.labels()?, &req.fields(&rt)?, &opts)?;
            Ok(json_response(200, &list, &[]))
        }
        _ => Err(method_not_allowed(&req.method)),
    }
}

fn watch_request(rt: Arc<ResourceType>, o: &ObjectRoute, req: &Req) -> ApiResult<watch::WatchRequest> {
    let timeout = req.query.number("timeoutSeconds")?.map(Duration::from_secs);
    Ok(watch::WatchRequest {
        labels: req.labels()?,
        fields: req.fields(&rt)?,
        namespace: o.namespace.clone(),
        resource_version: req.query.get("resourceVersion").map(String::from),
        bookmarks: req.query.flag("allowWatchBookmarks"),
        send_initial_events: req.query.get("sendInitialEvents") == Some("true"),
        timeout,
        view: req.view(),
        rt,
    })
}

#[cfg(test)]
mod tests;
