//! Package URLs (`pkg:type/namespace/name@version`), the one package identity all three report
//! formats can carry, so that scanners spelling a package differently still name the same one.

/// The parts of a package URL this module needs (qualifiers and subpath are dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// The package type, lower-cased: `deb`, `npm`, `maven`, `golang`, …
    pub ty: String,
    /// The namespace, percent-decoded (`org.yaml`, `@angular`, `golang.org/x`).
    pub namespace: Option<String>,
    /// The name, percent-decoded.
    pub name: String,
    /// The version, percent-decoded.
    pub version: Option<String>,
}

impl Purl {
    /// Parses `text`; `None` when it is not a package URL.
    pub fn parse(text: &str) -> Option<Purl> {
        let rest = text.strip_prefix("pkg:")?.trim_start_matches('/');
        let rest = rest.split('#').next().unwrap_or(rest);
        let rest = rest.split('?').next().unwrap_or(rest);
        let (ty, path) = rest.split_once('/')?;
        let (path, version) = match path.rsplit_once('@') {
            Some((path, version)) if !version.contains('/') => (path, Some(decode(version))),
            _ => (path, None),
        };
        let path = path.trim_end_matches('/');
        let (namespace, name) = match path.rsplit_once('/') {
            Some((namespace, name)) => (Some(decode(namespace)), decode(name)),
            None => (None, decode(path)),
        };
        (!ty.is_empty() && !name.is_empty()).then(|| Purl { ty: ty.to_ascii_lowercase(), namespace, name, version })
    }

    /// The package's name as its ecosystem (and Trivy) spells it: `group:artifact` for Maven,
    /// `namespace/name` for Go, npm, Composer and GitHub, the bare name for OS packages and the rest.
    pub fn package_name(&self) -> String {
        match (self.ty.as_str(), &self.namespace) {
            ("maven", Some(namespace)) => format!("{namespace}:{}", self.name),
            ("golang" | "npm" | "composer" | "github" | "swift", Some(namespace)) => {
                format!("{namespace}/{}", self.name)
            }
            _ => self.name.clone(),
        }
    }
}

/// Percent-decoding; a malformed escape is kept as written.
pub(super) fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| text.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                at += 3;
            }
            None => {
                out.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_and_version(text: &str) -> Option<(String, Option<String>)> {
        Purl::parse(text).map(|p| (p.package_name(), p.version))
    }

    #[test]
    fn ecosystems_spell_names_their_way() {
        let some = |name: &str, version: &str| Some((name.to_owned(), Some(version.to_owned())));
        assert_eq!(
            name_and_version("pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64"),
            some("zlib1g", "1:1.2.13.dfsg-1")
        );
        assert_eq!(name_and_version("pkg:maven/org.yaml/snakeyaml@1.33?type=jar"), some("org.yaml:snakeyaml", "1.33"));
        assert_eq!(name_and_version("pkg:golang/golang.org/x/net@v0.17.0"), some("golang.org/x/net", "v0.17.0"));
        assert_eq!(name_and_version("pkg:npm/%40angular/core@16.2.0"), some("@angular/core", "16.2.0"));
        assert_eq!(name_and_version("pkg:npm/@angular/core"), Some(("@angular/core".to_owned(), None)));
        assert_eq!(name_and_version("pkg:pypi/Django@4.2#sub/path"), some("Django", "4.2"));
        assert_eq!(name_and_version("not-a-purl"), None);
        assert_eq!(name_and_version("pkg:npm"), None);
    }
}
