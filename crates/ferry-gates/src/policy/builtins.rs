//! OPA builtins that Gatekeeper library policies call and regorus does not have: the deprecated
//! ones OPA still accepts in Rego v0 (`re_match`, `any`, `all`, `set_diff`, `cast_array`,
//! `cast_set`), added to each template's engine as extensions. An error (a pattern that does not
//! compile, an argument of the wrong type) makes the call undefined, as OPA's non-strict builtin
//! errors do (Gatekeeper's setting): each shim answers `None` then.

use std::collections::{BTreeSet, HashMap};
use std::sync::{LazyLock, Mutex};

use regex::Regex;
use regorus::{Engine, Value};

/// How many compiled `re_match` patterns are kept between calls.
const PATTERN_CACHE: usize = 256;

/// Adds the shims to `engine`; a name regorus already knows is left to regorus.
pub fn register(engine: &mut Engine) -> Result<(), String> {
    let truth = Value::from(true);
    add(engine, "re_match", 2, |args| re_match(&args[0], &args[1]).map(Value::from))?;
    let t = truth.clone();
    add(engine, "any", 1, move |args| elements(&args[0]).map(|items| Value::from(items.contains(&t))))?;
    add(engine, "all", 1, move |args| elements(&args[0]).map(|items| Value::from(items.iter().all(|v| *v == truth))))?;
    add(engine, "set_diff", 2, |args| {
        let (a, b) = (set_of(&args[0])?, set_of(&args[1])?);
        Some(Value::from(a.difference(&b).cloned().collect::<BTreeSet<_>>()))
    })?;
    add(engine, "cast_array", 1, |args| elements(&args[0]).map(Value::from))?;
    add(engine, "cast_set", 1, |args| set_of(&args[0]).map(Value::from))?;
    Ok(())
}

fn add(
    engine: &mut Engine,
    name: &str,
    nargs: u8,
    shim: impl Fn(&[Value]) -> Option<Value> + Clone + Send + Sync + 'static,
) -> Result<(), String> {
    let extension = move |args: Vec<Value>| Ok(shim(&args).unwrap_or(Value::Undefined));
    engine.add_extension(name.to_owned(), nargs, Box::new(extension)).map_err(|e| format!("builtin {name}: {e}"))
}

/// `re_match(pattern, value)`: whether `value` matches the RE2 `pattern` anywhere.
fn re_match(pattern: &Value, value: &Value) -> Option<bool> {
    let (Value::String(pattern), Value::String(value)) = (pattern, value) else { return None };
    static CACHE: LazyLock<Mutex<HashMap<String, Regex>>> = LazyLock::new(Default::default);
    let cached = CACHE.lock().ok().and_then(|cache| cache.get(pattern.as_ref()).cloned());
    let regex = match cached {
        Some(regex) => regex,
        None => {
            let regex = Regex::new(pattern).ok()?;
            if let Ok(mut cache) = CACHE.lock() {
                if cache.len() >= PATTERN_CACHE {
                    cache.clear();
                }
                cache.insert(pattern.to_string(), regex.clone());
            }
            regex
        }
    };
    Some(regex.is_match(value))
}

/// The members of an array or a set, in order.
fn elements(value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::Array(items) => Some(items.iter().cloned().collect()),
        Value::Set(items) => Some(items.iter().cloned().collect()),
        _ => None,
    }
}

fn set_of(value: &Value) -> Option<BTreeSet<Value>> {
    elements(value).map(|items| items.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use regorus::{Engine, Value};

    fn eval(rule: &str) -> Value {
        let mut engine = Engine::new();
        engine.set_rego_v0(true);
        super::register(&mut engine).unwrap();
        engine.add_policy("t.rego".into(), format!("package t\n{rule}\n")).unwrap();
        engine.eval_rule("data.t.x".into()).unwrap()
    }

    #[test]
    fn re_match_finds_a_pattern_anywhere_and_a_bad_pattern_is_undefined() {
        assert_eq!(eval(r#"x { re_match("^[0-9]+(\\.[0-9]+)?$", "1.5") }"#), Value::from(true));
        assert_eq!(eval(r#"x { re_match("b", "abc") }"#), Value::from(true));
        assert_eq!(eval(r#"x { re_match("^b", "abc") }"#), Value::Undefined);
        assert_eq!(eval(r#"x { re_match("(", "abc") }"#), Value::Undefined);
    }

    #[test]
    fn any_all_and_set_diff_read_arrays_and_sets() {
        assert_eq!(eval("x := any([false, true])"), Value::from(true));
        assert_eq!(eval("x := all({true, false})"), Value::from(false));
        assert_eq!(eval("x := all([])"), Value::from(true));
        assert_eq!(eval(r#"x := set_diff({"a", "b"}, {"b"})"#), eval(r#"x := {"a"}"#));
        assert_eq!(eval("x := cast_set([1, 1, 2])"), eval("x := {1, 2}"));
    }
}
