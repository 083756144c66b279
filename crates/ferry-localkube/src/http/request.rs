//! Decoding an HTTP request into what the API layer needs: the route (which kind, which
//! namespace, which object, which subresource), query parameters, and a body decoded from
//! JSON or YAML within the size cap.

use std::collections::HashMap;

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::error::{ApiError, ApiResult, Reason};

/// Kubernetes refuses request bodies over 3 MiB.
pub const MAX_BODY: usize = 3 * 1024 * 1024;

/// What a path asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    Health,
    Version,
    ApiVersions,
    Groups,
    Group(String),
    Resources { group: String, version: String },
    OpenApiV3Index,
    OpenApiV3 { group: String, version: String },
    OpenApiV2,
    Object(ObjectRoute),
}

/// A resource path: `/api/v1/namespaces/ns/pods/name/status` and its shorter forms.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectRoute {
    pub group: String,
    pub version: String,
    pub namespace: Option<String>,
    pub resource: String,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

/// Splits a path into a route; `is_namespaced(group, version, resource)` resolves the one
/// ambiguity (`/api/v1/namespaces/x/status` is namespace x's status, not a collection).
pub fn route(path: &str, is_namespaced: impl Fn(&str, &str, &str) -> bool) -> Option<Route> {
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    match s.as_slice() {
        ["healthz" | "readyz" | "livez", ..] => Some(Route::Health),
        ["version"] => Some(Route::Version),
        ["api"] => Some(Route::ApiVersions),
        ["apis"] => Some(Route::Groups),
        ["apis", g] => Some(Route::Group(g.to_string())),
        ["api", "v1"] => Some(Route::Resources { group: String::new(), version: "v1".into() }),
        ["apis", g, v] => Some(Route::Resources { group: g.to_string(), version: v.to_string() }),
        ["openapi", "v3"] => Some(Route::OpenApiV3Index),
        ["openapi", "v3", "api", "v1"] => Some(Route::OpenApiV3 { group: String::new(), version: "v1".into() }),
        ["openapi", "v3", "apis", g, v] => Some(Route::OpenApiV3 { group: g.to_string(), version: v.to_string() }),
        ["openapi", "v2"] | ["swagger.json"] => Some(Route::OpenApiV2),
        ["api", "v1", rest @ ..] => object_route("", "v1", rest, &is_namespaced),
        ["apis", g, v, rest @ ..] => object_route(g, v, rest, &is_namespaced),
        _ => None,
    }
}

fn object_route(
    group: &str,
    version: &str,
    rest: &[&str],
    is_namespaced: &impl Fn(&str, &str, &str) -> bool,
) -> Option<Route> {
    let make = |ns: Option<&str>, res: &str, name: Option<&str>, sub: Option<&str>| {
        Some(Route::Object(ObjectRoute {
            group: group.into(),
            version: version.into(),
            namespace: ns.map(String::from),
            resource: res.into(),
            name: name.map(String::from),
            subresource: sub.map(String::from),
        }))
    };
    match rest {
        ["namespaces", ns, res, tail @ ..] if is_namespaced(group, version, res) => match tail {
            [] => make(Some(ns), res, None, None),
            [name] => make(Some(ns), res, Some(name), None),
            [name, sub] => make(Some(ns), res, Some(name), Some(sub)),
            _ => None,
        },
        [res] => make(None, res, None, None),
        [res, name] => make(None, res, Some(name), None),
        [res, name, sub] => make(None, res, Some(name), Some(sub)),
        _ => None,
    }
}

/// Query parameters (`a=b&c=d`), percent- and plus-decoded; the last value wins.
#[derive(Debug, Clone, Default)]
pub struct Query(HashMap<String, String>);

impl Query {
    pub fn parse(q: Option<&str>) -> Self {
        let mut map = HashMap::new();
        for pair in q.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned();
            map.insert(decode(k), decode(v));
        }
        Query(map)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1" | ""))
    }

    pub fn number(&self, key: &str) -> ApiResult<Option<u64>> {
        match self.get(key).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("{key}: invalid value {v:?}: expected a number"))),
        }
    }

    /// `dryRun=All` (any other value is refused, as Kubernetes does).
    pub fn dry_run(&self) -> ApiResult<bool> {
        match self.get("dryRun") {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => {
                Err(ApiError::bad_request(format!("Invalid dry run value: {other:?}: supported value is \"All\"")))
            }
        }
    }
}

/// Decodes a request body: JSON, or YAML for content types that allow it.
pub fn decode_body(content_type: &str, body: &Bytes) -> ApiResult<Value> {
    if body.len() > MAX_BODY {
        return Err(too_large());
    }
    if body.is_empty() {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    if crate::protobuf::is_protobuf(content_type) {
        return crate::protobuf::decode(body)
            .map_err(|e| ApiError::bad_request(format!("error decoding protobuf body: {e}")));
    }
    let text = std::str::from_utf8(body).map_err(|_| ApiError::bad_request("the request body is not valid UTF-8"))?;
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    let media = content_type.split(';').next().unwrap_or("").trim();
    let is_yaml = matches!(media, "application/yaml" | "application/apply-patch+yaml" | "text/yaml");
    if is_yaml {
        decode_yaml(text)
    } else {
        serde_json::from_str(text).map_err(|e| {
            ApiError::bad_request(format!("error decoding JSON body (line {}, column {}): {e}", e.line(), e.column()))
        })
    }
}

/// YAML from a client is untrusted: parsed with alias-expansion and depth limits.
fn decode_yaml(text: &str) -> ApiResult<Value> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_aliases: 100,
            max_depth: 100,
            max_nodes: 1_000_000,
            max_total_scalar_bytes: MAX_BODY,
        },
    };
    serde_saphyr::from_str_with_options::<Value>(text, options)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML body: {e}")))
}

pub fn too_large() -> ApiError {
    ApiError::new(
        Reason::RequestEntityTooLarge,
        format!("the request body is larger than the limit of {MAX_BODY} bytes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(_: &str, _: &str, r: &str) -> bool {
        matches!(r, "deployments" | "pods")
    }

    #[test]
    fn routes_cover_the_path_forms() {
        let r = route("/apis/apps/v1/namespaces/d/deployments/web/scale", ns).unwrap();
        let Route::Object(o) = r else { panic!() };
        assert_eq!(
            (o.namespace.as_deref(), o.resource.as_str(), o.name.as_deref(), o.subresource.as_deref()),
            (Some("d"), "deployments", Some("web"), Some("scale"))
        );
        let Route::Object(o) = route("/api/v1/namespaces/d/status", ns).unwrap() else { panic!() };
        assert_eq!(
            (o.resource.as_str(), o.name.as_deref(), o.subresource.as_deref()),
            ("namespaces", Some("d"), Some("status"))
        );
        let Route::Object(o) = route("/api/v1/pods", ns).unwrap() else { panic!() };
        assert_eq!(o.namespace, None);
        assert_eq!(route("/apis", ns), Some(Route::Groups));
        assert_eq!(route("/nope", ns), None);
    }

    #[test]
    fn query_decodes() {
        let q = Query::parse(Some("labelSelector=app%3Dweb%2Ctier+in+(a)&watch=1"));
        assert_eq!(q.get("labelSelector"), Some("app=web,tier in (a)"));
        assert!(q.flag("watch"));
        assert!(Query::parse(Some("limit=x")).number("limit").is_err());
    }

    #[test]
    fn bodies_decode_or_fail_clearly() {
        let v = decode_body("application/json", &Bytes::from_static(b"{\"a\":1}")).unwrap();
        assert_eq!(v["a"], 1);
        let e = decode_body("application/json", &Bytes::from_static(b"{\"a\":")).unwrap_err();
        assert_eq!(e.code(), 400);
        let y = decode_body("application/apply-patch+yaml", &Bytes::from_static(b"a: 1\nb: [x]\n")).unwrap();
        assert_eq!(y["b"][0], "x");
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
        assert_eq!(decode_body("application/apply-patch+yaml", &Bytes::from(bomb)).unwrap_err().code(), 400);
        let big = Bytes::from(vec![b' '; MAX_BODY + 1]);
        assert_eq!(decode_body("application/json", &big).unwrap_err().code(), 413);
    }
}
