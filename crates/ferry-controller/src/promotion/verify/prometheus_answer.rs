//! Reading the JSON answer of Prometheus' instant query API: `vector` results become one
//! number per series (in Prometheus' order), `scalar` results a scalar; an error answer
//! becomes its `errorType: error` text. Sample values are strings (`"0.5"`, `"NaN"`, `"+Inf"`).

use ferry_core::analysis::QueryResult;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    status: String,
    data: Option<Data>,
    error_type: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    result_type: String,
    result: Value,
}

#[derive(Deserialize)]
struct Series {
    value: (Value, String),
}

/// The result in an answer with HTTP status `status`.
pub(crate) fn parse_answer(status: u16, body: &[u8]) -> Result<QueryResult, String> {
    let answer: Answer = serde_json::from_slice(body).map_err(|e| {
        if (200..300).contains(&status) {
            format!("the answer is not Prometheus JSON ({e})")
        } else {
            format!("answered HTTP {status}")
        }
    })?;
    if answer.status != "success" {
        let kind = answer.error_type.unwrap_or_else(|| "error".to_owned());
        return Err(format!("{kind}: {}", answer.error.unwrap_or_else(|| format!("status `{}`", answer.status))));
    }
    let data = answer.data.ok_or("the answer has no `data`")?;
    match data.result_type.as_str() {
        "vector" => {
            let series: Vec<Series> =
                serde_json::from_value(data.result).map_err(|e| format!("malformed vector ({e})"))?;
            series.iter().map(|s| sample(&s.value.1)).collect::<Result<_, _>>().map(QueryResult::Vector)
        }
        "scalar" => {
            let (_, value): (Value, String) =
                serde_json::from_value(data.result).map_err(|e| format!("malformed scalar ({e})"))?;
            sample(&value).map(QueryResult::Scalar)
        }
        other => Err(format!("the query gave a {other}; use a query that gives an instant vector or a scalar")),
    }
}

fn sample(text: &str) -> Result<f64, String> {
    match text {
        "NaN" => Ok(f64::NAN),
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        _ => text.parse().map_err(|_| format!("sample value `{text}` is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers() {
        let vector = br#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"code":"500"},"value":[1700000000.1,"0.25"]},
            {"metric":{},"value":[1700000000.1,"NaN"]}]}}"#;
        let Ok(QueryResult::Vector(v)) = parse_answer(200, vector) else { panic!() };
        assert_eq!(v[0], 0.25);
        assert!(v[1].is_nan());
        let empty = br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert_eq!(parse_answer(200, empty), Ok(QueryResult::Vector(vec![])));
        let scalar = br#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"+Inf"]}}"#;
        assert_eq!(parse_answer(200, scalar), Ok(QueryResult::Scalar(f64::INFINITY)));
    }

    #[test]
    fn errors() {
        let cases: &[(u16, &[u8], &str)] = &[
            (
                400,
                br#"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#,
                "bad_data: parse error",
            ),
            (502, b"<html>bad gateway</html>", "answered HTTP 502"),
            (200, b"garbage", "not Prometheus JSON"),
            (200, br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#, "gave a matrix"),
            (200, br#"{"status":"success","data":{"resultType":"scalar","result":[1,"abc"]}}"#, "not a number"),
        ];
        for (status, body, needle) in cases {
            let err = parse_answer(*status, body).unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }
}
