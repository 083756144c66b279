//! The live object as Lua values, the way Argo CD's scripts expect to read it.
//!
//! JSON objects become tables, arrays 1-based sequences, `null` becomes `nil` (so a field set
//! to `null` reads like an absent one). Integral numbers become Lua integers so that
//! `obj.status.replicas == obj.spec.replicas` compares equal and `tostring(3)` is `"3"`, as in
//! the Lua 5.1 Argo CD runs; other numbers become floats.

use mlua::{Lua, Value as LuaValue};
use serde_json::{Number, Value};

/// Deeper objects are refused rather than risking the Rust stack.
const MAX_DEPTH: usize = 256;

/// `value` as a Lua value in `lua`.
pub(crate) fn to_lua(lua: &Lua, value: &Value) -> mlua::Result<LuaValue> {
    convert(lua, value, 0)
}

fn convert(lua: &Lua, value: &Value, depth: usize) -> mlua::Result<LuaValue> {
    if depth > MAX_DEPTH {
        return Err(mlua::Error::runtime(format!("the object is nested deeper than {MAX_DEPTH} levels")));
    }
    Ok(match value {
        Value::Null => LuaValue::Nil,
        Value::Bool(flag) => LuaValue::Boolean(*flag),
        Value::Number(number) => number_to_lua(number),
        Value::String(text) => LuaValue::String(lua.create_string(text)?),
        Value::Array(items) => {
            let table = lua.create_table_with_capacity(items.len(), 0)?;
            for (index, item) in items.iter().enumerate() {
                table.raw_set(index + 1, convert(lua, item, depth + 1)?)?;
            }
            LuaValue::Table(table)
        }
        Value::Object(fields) => {
            let table = lua.create_table_with_capacity(0, fields.len())?;
            for (key, item) in fields {
                table.raw_set(key.as_str(), convert(lua, item, depth + 1)?)?;
            }
            LuaValue::Table(table)
        }
    })
}

fn number_to_lua(number: &Number) -> LuaValue {
    if let Some(integer) = number.as_i64() {
        return LuaValue::Integer(integer);
    }
    let float = number.as_f64().unwrap_or(f64::NAN);
    // `3.0` from a YAML or JSON writer is the integer 3 to a script; 2^63 and beyond stay floats.
    if float.fract() == 0.0 && float >= -(2f64.powi(63)) && float < 2f64.powi(63) {
        #[allow(clippy::cast_possible_truncation)]
        return LuaValue::Integer(float as i64);
    }
    LuaValue::Number(float)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lua_type_and_text(value: Value) -> (String, String) {
        let lua = Lua::new();
        lua.globals().set("v", to_lua(&lua, &value).unwrap()).unwrap();
        lua.load("return math.type(v) or type(v), tostring(v)").eval().unwrap()
    }

    #[test]
    fn integral_numbers_are_integers() {
        assert_eq!(lua_type_and_text(json!(3)), ("integer".into(), "3".into()));
        assert_eq!(lua_type_and_text(json!(3.0)), ("integer".into(), "3".into()));
        assert_eq!(lua_type_and_text(json!(-7)), ("integer".into(), "-7".into()));
        assert_eq!(lua_type_and_text(json!(0.5)), ("float".into(), "0.5".into()));
        assert_eq!(lua_type_and_text(json!(u64::MAX)).0, "float");
    }

    #[test]
    fn arrays_are_sequences_and_null_is_nil() {
        let lua = Lua::new();
        let object = json!({"items": ["a", "b", "c"], "gone": null, "nested": {"flag": true}});
        lua.globals().set("obj", to_lua(&lua, &object).unwrap()).unwrap();
        let (count, first, gone, flag): (i64, String, bool, bool) =
            lua.load("return #obj.items, obj.items[1], obj.gone == nil, obj.nested.flag").eval().unwrap();
        assert_eq!((count, first.as_str(), gone, flag), (3, "a", true, true));
    }

    #[test]
    fn absurd_nesting_is_refused() {
        let mut value = json!(1);
        for _ in 0..300 {
            value = json!([value]);
        }
        let lua = Lua::new();
        assert!(to_lua(&lua, &value).is_err());
    }
}
