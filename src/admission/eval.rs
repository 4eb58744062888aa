//! The CEL walk: every schema node with `x-kubernetes-validations` on the way down an
//! object (defaults applied), `self` bound to the node's value as the API server binds it.
//!
//! A rule's outcome depends only on `self`, so outcomes are memoized by (schema node,
//! projected value): the many routes of a large input share a few hundred distinct
//! values. The memo is per thread and bounded.

use std::collections::HashMap;
use std::sync::Arc;

use kube_cel::cel::{Program, Value};

use super::Check;
use super::bind::{self, map_values, properties};
use super::cel::{self, Env};
use super::schema::{Arena, ListType, Projection, Reason, Rule, SchemaId};
use super::structural::Finding;
use super::words::{BadValue, ErrorType, FieldError, Step};
use crate::yaml::{Node, Tree};

/// Most memo entries kept per thread before it starts over.
const MEMO_LIMIT: usize = 1 << 16;

/// A failed rule, relative to its node: the `fieldPath` suffix, if any.
#[derive(Debug, Clone)]
struct Failure {
    check: Check,
    error: ErrorType,
    suffix: Vec<Step<'static>>,
    value: BadValue,
    detail: String,
    help: Option<String>,
}

/// One thread's evaluator: its CEL environment and memo.
pub struct Evaluator {
    env: Env,
    memo: HashMap<(SchemaId, String), Arc<[Failure]>>,
    key: String,
}

impl Default for Evaluator {
    fn default() -> Self {
        Evaluator::new()
    }
}

impl Evaluator {
    pub fn new() -> Self {
        Evaluator {
            env: Env::new(),
            memo: HashMap::new(),
            key: String::new(),
        }
    }

    /// Evaluates every rule of `root`'s schema tree. `old` is the object as it is in the
    /// cluster: with it, transition rules (`oldSelf`) run where the old value exists.
    pub fn object(
        &mut self,
        arena: &Arena,
        root: Node<'_>,
        schema: SchemaId,
        old: Option<Node<'_>>,
        out: &mut Vec<Finding>,
    ) {
        let mut path = Vec::new();
        self.node(arena, root, schema, old, &mut path, out);
    }

    fn node<'v>(
        &mut self,
        arena: &'v Arena,
        node: Node<'v>,
        id: SchemaId,
        old: Option<Node<'v>>,
        path: &mut Vec<Step<'v>>,
        out: &mut Vec<Finding>,
    ) {
        let schema = arena.get(id);
        if !schema.rules_below {
            return;
        }
        if !schema.rules.is_empty() {
            self.rules(arena, node, id, old, path, out);
        }
        if node.as_map().is_some() {
            if let super::schema::Additional::Schema(values) = schema.additional {
                for (key, value) in map_values(node, values, arena) {
                    let old_value = old.and_then(|o| o.get(key));
                    path.push(Step::Key(key.into()));
                    self.node(arena, value, values, old_value, path, out);
                    path.pop();
                }
                return;
            }
            for property in properties(node, id, arena) {
                if path.is_empty() && matches!(property.name, "metadata" | "status") {
                    continue;
                }
                let old_value = old
                    .and_then(|o| o.get(property.name))
                    .filter(|v| !v.is_null());
                path.push(Step::Field(property.name.into()));
                self.node(arena, property.value, property.schema, old_value, path, out);
                path.pop();
            }
        } else if let (Some(items), Some(item_schema)) = (node.as_seq(), schema.items) {
            for (i, item) in items.iter().enumerate() {
                let old_item = match (&schema.list_type, old) {
                    (ListType::Map(keys), Some(old)) => {
                        correlated(arena, item, old, keys, item_schema)
                    }
                    _ => None,
                };
                path.push(Step::Index(i));
                self.node(arena, item, item_schema, old_item, path, out);
                path.pop();
            }
        }
    }

    /// The rules of one node: from the memo, or evaluated.
    fn rules(
        &mut self,
        arena: &Arena,
        node: Node<'_>,
        id: SchemaId,
        old: Option<Node<'_>>,
        path: &[Step<'_>],
        out: &mut Vec<Finding>,
    ) {
        let schema = arena.get(id);
        let programs: Vec<(&Rule, Option<&Program>)> = schema
            .rules
            .iter()
            .map(|rule| {
                let compiled = rule.compiled.get_or_init(|| self.env.compile(&rule.rule));
                (rule, compiled.as_ref().ok())
            })
            .collect();
        let projection = schema
            .projection
            .get_or_init(|| {
                let sound = schema.rules.iter().all(|r| r.message_expression.is_none());
                let compiled = programs
                    .iter()
                    .filter(|(rule, _)| !rule.transition)
                    .filter_map(|(_, program)| *program);
                cel::projection(compiled, arena, id).filter(|_| sound)
            })
            .as_ref();
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        bind::write_key(&mut key, node, Some(id), arena, projection);
        let memo_key = (id, key);
        let failures = match self.memo.get(&memo_key) {
            Some(failures) => Arc::clone(failures),
            None => {
                let failures: Arc<[Failure]> = self
                    .evaluate(arena, node, id, projection, &programs, None)
                    .into();
                if self.memo.len() >= MEMO_LIMIT {
                    self.memo.clear();
                }
                self.memo.insert(memo_key.clone(), Arc::clone(&failures));
                failures
            }
        };
        self.key = memo_key.1;
        let mut all: Vec<Failure> = failures.to_vec();
        // Transition rules compare with the old object: never memoized.
        if let Some(old) = old
            && programs.iter().any(|(rule, _)| rule.transition)
        {
            all.extend(self.evaluate(arena, node, id, None, &programs, Some(old)));
        }
        for failure in all {
            let mut steps: Vec<Step<'static>> =
                path.iter().cloned().map(Step::into_owned).collect();
            steps.extend(failure.suffix);
            out.push(Finding {
                check: failure.check,
                error: FieldError {
                    error: failure.error,
                    path: steps,
                    value: failure.value,
                    detail: failure.detail,
                },
                help: failure.help,
            });
        }
    }

    /// Runs the rules of a node: without `old`, the rules that do not read `oldSelf`; with
    /// it, only those that do.
    fn evaluate(
        &self,
        arena: &Arena,
        node: Node<'_>,
        id: SchemaId,
        projection: Option<&Projection>,
        programs: &[(&Rule, Option<&Program>)],
        old: Option<Node<'_>>,
    ) -> Vec<Failure> {
        let mut scope = self.env.context().new_inner_scope();
        scope.add_variable_from_value("self", bind::value(node, Some(id), arena, projection));
        if let Some(old) = old {
            scope.add_variable_from_value("oldSelf", bind::value(old, Some(id), arena, None));
        }
        let mut failures = Vec::new();
        for (rule, program) in programs {
            if rule.transition != old.is_some() {
                continue;
            }
            let Some(program) = program else {
                let reason = match rule.compiled.get() {
                    Some(Err(e)) => e.clone(),
                    _ => "does not compile".to_string(),
                };
                failures.push(Failure {
                    check: Check::RuleNotEvaluated,
                    error: ErrorType::Note,
                    suffix: Vec::new(),
                    value: BadValue::OMIT,
                    detail: format!(
                        "gwctl cannot evaluate the rule `{}`: it {reason}",
                        rule.rule.trim()
                    ),
                    help: Some(
                        "check this rule on a cluster (`kubectl apply --dry-run=server`)"
                            .to_string(),
                    ),
                });
                continue;
            };
            let outcome = program.execute(&scope);
            let (error, detail) = match outcome {
                Ok(Value::Bool(true)) => continue,
                Ok(Value::Bool(false)) => (reason_type(rule.reason), message(rule, &scope)),
                Ok(_) => (
                    ErrorType::Invalid,
                    format!("rule did not evaluate to a boolean: {}", rule.rule.trim()),
                ),
                // The API server: "<error> evaluating rule: <message, or the rule>".
                Err(e) => (
                    ErrorType::Invalid,
                    format!(
                        "{} evaluating rule: {}",
                        cel::error_text(&e),
                        rule_error_string(rule)
                    ),
                ),
            };
            let suffix = rule
                .field_path
                .as_deref()
                .map(parse_field_path)
                .unwrap_or_default();
            let value = if suffix.is_empty() {
                BadValue::scalar(node)
            } else {
                BadValue::OMIT
            };
            failures.push(Failure {
                check: Check::Rule,
                error,
                suffix,
                value,
                detail,
                help: Some(format!("the CRD's rule must hold: `{}`", rule.rule.trim())),
            });
        }
        failures
    }
}

/// The old item of a `map` list with the same keys as `item`.
fn correlated<'v>(
    arena: &Arena,
    item: Node<'_>,
    old: Node<'v>,
    keys: &[Box<str>],
    item_schema: SchemaId,
) -> Option<Node<'v>> {
    let key_of = |node: Node<'_>| {
        let mut key = String::new();
        for field in keys {
            let value = node.get(field).filter(|v| !v.is_null()).or_else(|| {
                let child = arena.get(item_schema).property(field)?;
                arena.get(child).default.as_ref().map(Tree::root)
            });
            if let Some(value) = value {
                bind::write_key(&mut key, value, None, arena, None);
            }
            key.push('|');
        }
        key
    };
    let wanted = key_of(item);
    old.as_seq()?.iter().find(|&o| key_of(o) == wanted)
}

fn reason_type(reason: Reason) -> ErrorType {
    match reason {
        Reason::Invalid => ErrorType::Invalid,
        Reason::Forbidden => ErrorType::Forbidden,
        Reason::Required => ErrorType::Required,
        Reason::Duplicate => ErrorType::Duplicate,
    }
}

/// A failed rule's message: its `messageExpression`'s string, else its `message`, else
/// `failed rule: <rule>`.
fn message(rule: &Rule, scope: &kube_cel::cel::Context<'_>) -> String {
    let from_expression = rule.message_expression.as_deref().and_then(|expression| {
        match Program::compile(expression).ok()?.execute(scope) {
            Ok(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        }
    });
    from_expression
        .or_else(|| {
            rule.message
                .as_deref()
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| format!("failed rule: {}", rule.rule.trim()))
}

/// The API server's `ruleErrorString`: the trimmed message, else the trimmed rule.
fn rule_error_string(rule: &Rule) -> String {
    match rule.message.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => m.to_string(),
        _ => rule.rule.trim().to_string(),
    }
}

/// A rule's `fieldPath` (`.foo.bar`, `['a.b']`, `.x['y']`) as steps.
fn parse_field_path(text: &str) -> Vec<Step<'static>> {
    let mut steps = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("['") {
            let end = after.find("']").unwrap_or(after.len());
            steps.push(Step::Field(after[..end].to_string().into()));
            rest = after.get(end + 2..).unwrap_or("");
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            steps.push(Step::Field(after[..end].to_string().into()));
            rest = &after[end..];
        } else {
            break;
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn arena() -> Arena {
        Arena::decode(&[
            json!({"type": "string"}),
            json!({"type": "integer"}),
            json!({"type": "string", "default": "Terminate"}),
            json!({"type": "object", "properties": {"mode": 2, "name": 0},
                   "x-kubernetes-validations": [
                       {"rule": "self.mode != 'Terminate' || has(self.name)",
                        "message": "name must be set when mode is Terminate"},
                       {"rule": "size(self.name) > 0", "message": "non-empty", "fieldPath": ".name"}]}),
            json!({"type": "array", "items": 3}),
            json!({"type": "object", "properties": {"spec": 4, "replicas": 1},
                   "x-kubernetes-validations": [{"rule": "self.replicas == oldSelf.replicas",
                                                  "message": "replicas is immutable"}]}),
        ])
        .unwrap()
    }

    fn evaluate(value: serde_json::Value, old: Option<serde_json::Value>) -> Vec<String> {
        let arena = arena();
        let node = Tree::from_json(value);
        let old = old.map(Tree::from_json);
        let mut evaluator = Evaluator::new();
        let mut out = Vec::new();
        evaluator.object(
            &arena,
            node.root(),
            SchemaId(5),
            old.as_ref().map(Tree::root),
            &mut out,
        );
        out.iter().map(|f| f.error.to_string()).collect()
    }

    #[test]
    fn rules_see_defaults_and_report_with_their_words() {
        let found = evaluate(
            json!({"spec": [{}, {"mode": "Passthrough"}, {"name": "x"}]}),
            None,
        );
        assert_eq!(
            found,
            [
                "spec[0]: Invalid value: name must be set when mode is Terminate",
                "spec[0].name: Invalid value: no such key: name evaluating rule: non-empty",
                "spec[1].name: Invalid value: no such key: name evaluating rule: non-empty",
            ]
        );
    }

    #[test]
    fn memoized_outcomes_are_placed_at_each_node() {
        let found = evaluate(json!({"spec": [{}, {}, {}]}), None);
        assert_eq!(found.len(), 6);
        assert!(found[4].starts_with("spec[2]: "), "{found:?}");
    }

    #[test]
    fn transition_rules_run_only_against_an_old_object() {
        let new = json!({"replicas": 2, "spec": []});
        assert!(evaluate(new.clone(), None).is_empty());
        assert_eq!(
            evaluate(new.clone(), Some(json!({"replicas": 1}))),
            ["Invalid value: replicas is immutable"]
        );
        assert!(evaluate(new, Some(json!({"replicas": 2}))).is_empty());
    }

    #[test]
    fn field_paths_are_parsed() {
        assert_eq!(
            parse_field_path(".a['b.c'].d"),
            vec![
                Step::Field("a".into()),
                Step::Field("b.c".into()),
                Step::Field("d".into())
            ]
        );
    }
}
