//! Listed objects (JSON) as YAML span trees, so they go through the same model builder as
//! files. Cluster objects have no file position: every span is empty.

use crate::source::Span;
use crate::yaml::{Entry, Node, Value};

/// The span tree of a JSON value.
pub fn node(value: serde_json::Value) -> Node {
    let value = match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::Str(s),
        serde_json::Value::Array(items) => Value::Seq(items.into_iter().map(node).collect()),
        serde_json::Value::Object(map) => Value::Map(
            map.into_iter()
                .map(|(key, value)| Entry {
                    key,
                    key_span: Span::default(),
                    value: node(value),
                })
                .collect(),
        ),
    };
    Node {
        value,
        span: Span::default(),
        plain: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_every_json_type() {
        let json = serde_json::json!({"a": [1, 1.5, "s", true, null], "b": {"c": -2}});
        let n = node(json);
        let items = n.get("a").and_then(Node::as_seq).unwrap();
        let values: Vec<&Value> = items.iter().map(|i| &i.value).collect();
        assert_eq!(
            values,
            [
                &Value::Int(1),
                &Value::Float(1.5),
                &Value::Str("s".into()),
                &Value::Bool(true),
                &Value::Null
            ]
        );
        assert_eq!(
            n.get("b").and_then(|b| b.get("c")).unwrap().value,
            Value::Int(-2)
        );
        assert_eq!(n.as_map().unwrap()[0].key, "a");
    }
}
