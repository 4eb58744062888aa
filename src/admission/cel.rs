//! The CEL environment of `x-kubernetes-validations`: kube-cel's Kubernetes libraries over
//! the `cel` interpreter, with the two built-ins the API server's CEL (cel-go) does
//! differently replaced, rules compiled once, and the projection that keeps evaluation
//! cheap.
//!
//! cel 0.13's `Program::compile` only parses: an unknown function is an error at
//! evaluation. [`Env::compile`] therefore also checks every function a rule calls against
//! the environment, so an unsupported rule is known before it is run.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use kube_cel::KubeCelExt;
use kube_cel::cel::common::ast::{Expr, IdedExpr};
use kube_cel::cel::extractors::This;
use kube_cel::cel::{Context, ExecutionError, FunctionContext, Program, ResolveResult, Value};

use super::schema::{Additional, Arena, CompiledRule, Projection, SchemaId, Type};

/// Prefixes of the qualified names the Kubernetes libraries register (`format.dns1123Label`).
const NAMESPACES: &[&str] = &["format", "strings", "sets", "lists", "math", "base64", "ip"];

/// One thread's CEL environment (a `Context` is not shared between threads).
pub struct Env {
    ctx: Context<'static>,
    /// Whether a function name resolves, by name.
    functions: RefCell<HashMap<String, bool>>,
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

impl Env {
    pub fn new() -> Env {
        let mut ctx = Context::default().with_all();
        // Registering a name again replaces it.
        ctx.add_function("size", size);
        ctx.add_function("matches", matches);
        Env {
            ctx,
            functions: RefCell::new(HashMap::new()),
        }
    }

    pub fn context(&self) -> &Context<'static> {
        &self.ctx
    }

    /// Parses `rule` and checks that every function it calls is registered.
    pub fn compile(&self, rule: &str) -> CompiledRule {
        let program = Program::compile(rule).map_err(|e| format!("does not parse: {e}"))?;
        let mut missing: Vec<String> = program
            .references()
            .functions()
            .into_iter()
            .filter(|f| !self.has_function(f))
            .map(str::to_string)
            .collect();
        missing.sort();
        if missing.is_empty() {
            Ok(program)
        } else {
            Err(format!(
                "calls functions gwctl does not have: {}",
                missing.join(", ")
            ))
        }
    }

    /// Whether `name` resolves to a function. cel 0.13 has no public lookup, so the name
    /// is called with no arguments: only an unknown name fails with `UndeclaredReference`.
    /// Names that are not identifiers (`_==_`, `@in`) are operators of the interpreter.
    fn has_function(&self, name: &str) -> bool {
        if let Some(&known) = self.functions.borrow().get(name) {
            return known;
        }
        let operator = !name.starts_with(|c: char| c.is_ascii_alphabetic());
        let known = operator
            || std::iter::once(name.to_string())
                .chain(NAMESPACES.iter().map(|ns| format!("{ns}.{name}")))
                .any(|qualified| {
                    Program::compile(&format!("{qualified}()")).is_ok_and(|p| {
                        !matches!(
                            p.execute(&self.ctx),
                            Err(ExecutionError::UndeclaredReference(_))
                        )
                    })
                });
        self.functions.borrow_mut().insert(name.to_string(), known);
        known
    }
}

/// cel-go's wording of an evaluation error (what the API server prints).
pub fn error_text(error: &ExecutionError) -> String {
    match error {
        ExecutionError::NoSuchKey(key) => format!("no such key: {key}"),
        ExecutionError::NoSuchOverload => "no such overload".to_string(),
        other => other.to_string(),
    }
}

/// `size`, as cel-go counts: code points of a string; and an argument's own error (`no
/// such key: x` for `size(self.x)`) is kept, where cel 0.13 reports a missing argument.
fn size(ftx: &FunctionContext) -> ResolveResult {
    let target = match (&ftx.this, ftx.args.first()) {
        (Some(target), _) => target.clone(),
        (None, Some(arg)) => ftx.ptx.resolve(arg)?,
        (None, None) => return Err(ExecutionError::missing_argument_or_target()),
    };
    let n = match &target {
        Value::String(s) => s.chars().count(),
        Value::List(l) => l.len(),
        Value::Map(m) => m.map.len(),
        Value::Bytes(b) => b.len(),
        _ => return Err(ExecutionError::NoSuchOverload),
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

thread_local! {
    /// Compiled `matches` patterns of this thread.
    static REGEXES: RefCell<HashMap<String, Result<regex::Regex, String>>> =
        RefCell::new(HashMap::new());
}

/// `matches` with RE2 semantics, each pattern compiled once per thread with size limits
/// (cel 0.13 compiles it on every call, without limits).
fn matches(
    ftx: &FunctionContext,
    This(this): This<Arc<String>>,
    pattern: Arc<String>,
) -> ResolveResult {
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let regex = cache
            .entry(pattern.to_string())
            .or_insert_with(|| super::pattern::compile(&pattern));
        match regex {
            Ok(regex) => Ok(Value::Bool(regex.is_match(&this))),
            Err(e) => Err(ftx.error(format!("invalid regex '{pattern}': {e}"))),
        }
    })
}

/// The fields `rules` read of `self` (typed by `schema`), or `None` when a rule looks at
/// an object or list as a whole (`==`, `in`, `size()` of an object, iterating an
/// object's keys, `string()`), which projection would change.
pub fn projection<'p>(
    programs: impl IntoIterator<Item = &'p Program>,
    arena: &Arena,
    schema: SchemaId,
) -> Option<Projection> {
    let mut analysis = Analysis {
        arena,
        fields: Vec::new(),
        sound: true,
    };
    for program in programs {
        let mut env = vec![("self".to_string(), Shape::Schema(schema))];
        analysis.visit(program.expression(), &mut env);
    }
    let Analysis {
        mut fields, sound, ..
    } = analysis;
    fields.sort();
    fields.dedup();
    sound.then(|| Projection(fields.into_iter().map(Box::from).collect()))
}

/// What an expression evaluates to, as far as projection cares.
#[derive(Clone, Copy)]
enum Shape {
    /// A value of this schema.
    Schema(SchemaId),
    /// A literal, a function result, a map key: never a projected object.
    Scalar,
    /// Anything (a function the analysis does not model).
    Unknown,
}

struct Analysis<'a> {
    arena: &'a Arena,
    fields: Vec<String>,
    sound: bool,
}

impl Analysis<'_> {
    /// Whether projection changes a value of this shape (an object with properties, or a
    /// list of such).
    fn projected(&self, shape: Shape) -> bool {
        match shape {
            Shape::Schema(id) => {
                let schema = self.arena.get(id);
                match schema.ty {
                    Some(Type::Object) => !schema.properties.is_empty(),
                    Some(Type::Array) => schema
                        .items
                        .is_some_and(|items| self.projected(Shape::Schema(items))),
                    _ => false,
                }
            }
            Shape::Unknown => true,
            Shape::Scalar => false,
        }
    }

    fn visit(&mut self, e: &IdedExpr, env: &mut Vec<(String, Shape)>) -> Shape {
        match &e.expr {
            Expr::Ident(name) => env
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map_or(Shape::Unknown, |(_, s)| *s),
            Expr::Literal(_) => Shape::Scalar,
            Expr::Select(select) => {
                self.fields.push(select.field.clone());
                let operand = self.visit(&select.operand, env);
                if select.test {
                    return Shape::Scalar;
                }
                match operand {
                    Shape::Schema(id) => {
                        let schema = self.arena.get(id);
                        let name = super::bind::unescape(&select.field);
                        schema
                            .property(&name)
                            .or(match schema.additional {
                                Additional::Schema(values) => Some(values),
                                _ => None,
                            })
                            .map_or(Shape::Unknown, Shape::Schema)
                    }
                    other => other,
                }
            }
            Expr::Call(call) => self.call(call, env),
            Expr::Comprehension(c) => {
                let range = self.visit(&c.iter_range, env);
                let item = match range {
                    Shape::Schema(id) => {
                        let schema = self.arena.get(id);
                        match (schema.ty, schema.items) {
                            (Some(Type::Array), Some(items)) => Shape::Schema(items),
                            _ if !schema.properties.is_empty() => {
                                // Iterating an object's keys would see the projection.
                                self.sound = false;
                                Shape::Scalar
                            }
                            _ => Shape::Scalar, // the keys of a map are strings
                        }
                    }
                    other => other,
                };
                let depth = env.len();
                env.push((c.iter_var.clone(), item));
                if let Some(second) = &c.iter_var2 {
                    env.push((second.clone(), Shape::Unknown));
                }
                // exists/all/exists_one keep a scalar accumulator; filter/map build a list.
                let accumulator = if matches!(c.accu_init.expr, Expr::Literal(_)) {
                    Shape::Scalar
                } else {
                    Shape::Unknown
                };
                env.push((c.accu_var.clone(), accumulator));
                self.visit(&c.accu_init, env);
                self.visit(&c.loop_cond, env);
                self.visit(&c.loop_step, env);
                let result = self.visit(&c.result, env);
                env.truncate(depth);
                match result {
                    // A filter keeps items of the range.
                    Shape::Unknown => range,
                    other => other,
                }
            }
            Expr::List(list) => {
                for element in &list.elements {
                    self.visit(element, env);
                }
                Shape::Scalar
            }
            Expr::Map(_) | Expr::Struct(_) | Expr::Unspecified => {
                self.sound = false;
                Shape::Unknown
            }
        }
    }

    fn call(
        &mut self,
        call: &kube_cel::cel::common::ast::CallExpr,
        env: &mut Vec<(String, Shape)>,
    ) -> Shape {
        let target = call.target.as_deref().map(|t| self.visit(t, env));
        let args: Vec<Shape> = call.args.iter().map(|a| self.visit(a, env)).collect();
        match call.func_name.as_str() {
            "_==_" | "_!=_" | "@in" | "string" | "format" => {
                if args.iter().chain(target.iter()).any(|s| self.projected(*s)) {
                    self.sound = false;
                }
                Shape::Scalar
            }
            "size" => {
                if let Some(Shape::Schema(id)) = target.or(args.first().copied()) {
                    let schema = self.arena.get(id);
                    if schema.ty == Some(Type::Object) && !schema.properties.is_empty() {
                        self.sound = false;
                    }
                }
                Shape::Scalar
            }
            "_[_]" => match args.first() {
                Some(Shape::Schema(id)) => {
                    let schema = self.arena.get(*id);
                    schema
                        .items
                        .or(match schema.additional {
                            Additional::Schema(values) => Some(values),
                            _ => None,
                        })
                        .map_or(Shape::Unknown, Shape::Schema)
                }
                _ => Shape::Unknown,
            },
            "_?_:_" => match (args.get(1), args.get(2)) {
                (Some(Shape::Scalar), Some(Shape::Scalar)) => Shape::Scalar,
                (Some(branch), _) => *branch,
                _ => Shape::Unknown,
            },
            // Logical operators, arithmetic, string and list helpers: scalars, or lists of
            // scalars (`split`).
            _ => Shape::Scalar,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(env: &Env, rule: &str) -> Result<Value, String> {
        let program = env.compile(rule)?;
        program.execute(env.context()).map_err(|e| error_text(&e))
    }

    #[test]
    fn size_counts_code_points_and_keeps_missing_keys() {
        let env = Env::new();
        assert_eq!(eval(&env, "size('é')"), Ok(Value::Int(1)));
        assert_eq!(eval(&env, "'ab'.size()"), Ok(Value::Int(2)));
        assert_eq!(eval(&env, "size([1, 2, 3])"), Ok(Value::Int(3)));
        assert_eq!(
            eval(&env, "size({'a': 1}.b)"),
            Err("no such key: b".to_string())
        );
    }

    #[test]
    fn matches_uses_re2_classes_and_reports_bad_patterns() {
        let env = Env::new();
        assert_eq!(eval(&env, r"'12'.matches('^\\d+$')"), Ok(Value::Bool(true)));
        assert!(eval(&env, "'a'.matches('(')").is_err());
    }

    #[test]
    fn kubernetes_libraries_are_registered_and_unknown_functions_refused() {
        let env = Env::new();
        for rule in [
            "isIP('10.0.0.1')",
            "'a,b'.split(',').size() == 2",
            "'abc'.substring(1) == 'bc'",
            "!format.dns1123Label().validate('abc').hasValue()",
        ] {
            assert_eq!(eval(&env, rule), Ok(Value::Bool(true)), "{rule}");
        }
        let error = env.compile("self.frobnicate()").unwrap_err();
        assert!(error.contains("frobnicate"), "{error}");
        assert!(env.compile("self.(").is_err());
    }
}
