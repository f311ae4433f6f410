//! Dotted keys into a scenario file (`params.inclusion`, `actors.DPRK.prior_sincere`,
//! `experiment.arms.incremental.params.verification`): resolved against the file's TOML tree and
//! set to numbers, so a sweep can vary any numeric setting without code knowing its meaning.

use crate::model::params::PARAM_DOCS;

/// A validated numeric setting of a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key as typed.
    pub name: String,
    /// The path in the TOML tree (array elements by index).
    path: Vec<Step>,
    /// Whether the file (or the parameter table) takes a whole number here.
    pub integer: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Element(usize),
}

impl Key {
    /// The key's path as the model names paths (a scenario's distributions carry theirs).
    pub fn steps(&self) -> Vec<crate::model::PathStep> {
        self.path
            .iter()
            .map(|s| match s {
                Step::Field(f) => crate::model::PathStep::Key(f.clone()),
                Step::Element(i) => crate::model::PathStep::Index(*i),
            })
            .collect()
    }

    /// Whether two keys name the same setting (`inclusion` and `params.inclusion`; an arm by
    /// id and by index).
    pub fn same_setting(&self, other: &Key) -> bool {
        self.path == other.path
    }

    /// Why varying this setting would change nothing a sweep reports, if it would not: the
    /// sweep sets the seed and the runs of every point itself, and `[output]` options shape
    /// files a sweep does not write.
    pub fn inert(&self) -> Option<&'static str> {
        let field = |k: usize| match self.path.get(k) {
            Some(Step::Field(f)) => Some(f.as_str()),
            _ => None,
        };
        match (field(0), field(1)) {
            (Some("experiment"), Some("seed")) => Some(
                "every point of a sweep runs with the same seed (common random numbers); set it with --seed",
            ),
            (Some("experiment"), Some("runs")) => {
                Some("every point of a sweep runs the same number of runs; set it with --runs")
            }
            (Some("output"), _) => Some(
                "[output] options shape the files of `detente run`, which a sweep does not write",
            ),
            _ => None,
        }
    }
}

fn is_param(name: &str) -> bool {
    PARAM_DOCS.iter().any(|p| p.name == name)
}

fn choices<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = it.collect();
    if v.is_empty() {
        "nothing".into()
    } else {
        v.join(", ")
    }
}

/// Resolve `key` against a scenario's TOML tree. A bare model parameter name (`inclusion`)
/// stands for `params.inclusion`. Elements of arrays of tables (actors, moves, shocks, arms) are
/// named by their `id` or by index. A model parameter missing from a `params` table is allowed
/// (it has a default); any other key must exist and hold a number.
pub fn resolve(doc: &toml::Table, key: &str) -> Result<Key, String> {
    let full = if !key.contains('.') && is_param(key) {
        format!("params.{key}")
    } else {
        key.to_string()
    };
    let segs: Vec<&str> = full.split('.').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(format!("'{key}' is not a dotted key like params.inclusion"));
    }
    let mut path = Vec::new();
    let mut here: Option<&toml::Value> = None;
    let mut table = Some(doc);
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let within = within(&segs, i);
        if let Some(t) = table {
            match t.get(*seg) {
                Some(v) => {
                    path.push(Step::Field(seg.to_string()));
                    here = Some(v);
                }
                None => return missing(key, &segs, i, t, &mut path),
            }
        } else if let Some(toml::Value::Array(items)) = here {
            let k = element(key, &within, seg, items)?;
            path.push(Step::Element(k));
            here = Some(&items[k]);
        } else {
            return Err(format!(
                "unknown key '{key}': {within} is a value, not a table"
            ));
        }
        table = here.and_then(toml::Value::as_table);
        if last {
            return number(key, path, here);
        }
    }
    Err(format!("unknown key '{key}'"))
}

/// Where segment `i` of a key is looked up, for messages.
fn within(segs: &[&str], i: usize) -> String {
    if i == 0 {
        "the scenario".to_string()
    } else {
        format!("'{}'", segs[..i].join("."))
    }
}

/// A key a table lacks: a model parameter not set in a `params` table has its default, so
/// varying it sets it; any other missing key is an error naming what the table has.
fn missing(
    key: &str,
    segs: &[&str],
    i: usize,
    t: &toml::Table,
    path: &mut Vec<Step>,
) -> Result<Key, String> {
    let seg = segs[i];
    let last = i + 1 == segs.len();
    let so_far = segs[..i].join(".");
    let within = within(segs, i);
    let in_params = segs.get(i.wrapping_sub(1)) == Some(&"params");
    let params_then_param = seg == "params"
        && i + 2 == segs.len()
        && is_param(segs[i + 1])
        && (i == 0 || t.get("id").is_some());
    let unset = |path: Vec<Step>| Key {
        name: key.to_string(),
        path,
        integer: false,
    };
    if last && in_params && is_param(seg) {
        path.push(Step::Field(seg.to_string()));
        return Ok(unset(std::mem::take(path)));
    }
    if params_then_param {
        path.push(Step::Field("params".into()));
        path.push(Step::Field(segs[i + 1].to_string()));
        return Ok(unset(std::mem::take(path)));
    }
    let hint = if so_far.ends_with("params") || (so_far.is_empty() && !last) {
        String::new()
    } else {
        format!("; keys there: {}", choices(t.keys().map(String::as_str)))
    };
    let param_hint = if in_params {
        " (see `detente list params`)".to_string()
    } else {
        hint
    };
    Err(format!(
        "unknown key '{key}': {within} has no '{seg}'{param_hint}"
    ))
}

/// The element of a list of tables named by its `id` (or `name`), or by its index.
fn element(key: &str, within: &str, seg: &str, items: &[toml::Value]) -> Result<usize, String> {
    let by_index = seg.parse::<usize>().ok().filter(|&k| k < items.len());
    let by_id = items.iter().position(|v| {
        v.get("id").and_then(toml::Value::as_str) == Some(seg)
            || v.get("name").and_then(toml::Value::as_str) == Some(seg)
    });
    by_id.or(by_index).ok_or_else(|| {
        let ids = choices(items.iter().filter_map(|v| {
            v.get("id")
                .or_else(|| v.get("name"))
                .and_then(toml::Value::as_str)
        }));
        format!(
            "unknown key '{key}': {within} has no element '{seg}'; name one by id ({ids}) or by index"
        )
    })
}

/// The resolved key, if the value at its end is a number.
fn number(key: &str, path: Vec<Step>, here: Option<&toml::Value>) -> Result<Key, String> {
    let integer = match here {
        Some(toml::Value::Integer(_)) => true,
        Some(toml::Value::Float(_)) => false,
        _ => {
            return Err(format!(
                "'{key}' is not a number in the scenario; a sweep varies numbers only"
            ));
        }
    };
    Ok(Key {
        name: key.to_string(),
        path,
        integer,
    })
}

/// The number at a resolved key; for a model parameter the file leaves out, its default.
pub fn get(doc: &toml::Table, key: &Key) -> Option<f64> {
    let mut here: Option<&toml::Value> = None;
    for step in &key.path {
        here = match (step, here) {
            (Step::Field(f), None) => doc.get(f),
            (Step::Field(f), Some(v)) => v.as_table().and_then(|t| t.get(f)),
            (Step::Element(i), Some(toml::Value::Array(items))) => items.get(*i),
            _ => None,
        };
        if here.is_none() {
            let name = match key.path.last() {
                Some(Step::Field(f)) => f.as_str(),
                _ => "",
            };
            return PARAM_DOCS
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.default);
        }
    }
    match here? {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// Set a resolved key to `value` (rounded for whole-number settings).
pub fn set(doc: &mut toml::Table, key: &Key, value: f64) {
    let v = if key.integer {
        toml::Value::Integer(value.round() as i64)
    } else {
        toml::Value::Float(value)
    };
    set_value(doc, key, v);
}

/// Put any TOML value (a distribution table, say) at a resolved key.
pub fn set_value(doc: &mut toml::Table, key: &Key, v: toml::Value) {
    set_path(doc, &key.steps(), v);
}

/// Put any TOML value at a path of the tree, adding missing tables on the way; a path through
/// a missing list element or a value that is not a table puts nothing.
pub fn set_path(doc: &mut toml::Table, path: &[crate::model::PathStep], v: toml::Value) {
    use crate::model::PathStep;
    let mut table = doc;
    let mut steps = path.iter().peekable();
    while let Some(step) = steps.next() {
        let PathStep::Key(name) = step else { return };
        if steps.peek().is_none() {
            table.insert(name.clone(), v);
            return;
        }
        let entry = table
            .entry(name.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let next = match (entry, steps.peek()) {
            (toml::Value::Array(items), Some(PathStep::Index(k))) => {
                let k = *k;
                steps.next();
                items.get_mut(k).and_then(toml::Value::as_table_mut)
            }
            (toml::Value::Table(t), _) => Some(t),
            _ => None,
        };
        let Some(next) = next else { return };
        table = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
name = "x"
horizon = 120
[params]
inclusion = 0.0
[[actors]]
id = "A"
patience = 2
[[experiment.arms]]
id = "one"
[[experiment.arms]]
id = "two"
params = { verification = 0.5 }
"#;

    fn doc() -> toml::Table {
        TEXT.parse().unwrap()
    }

    #[test]
    fn resolves_and_sets_nested_keys() {
        let mut d = doc();
        for (k, v, want) in [
            ("inclusion", 0.5, "inclusion = 0.5"),
            ("params.negativity", 2.0, "negativity = 2.0"),
            ("actors.A.patience", 3.4, "patience = 3"),
            ("actors.0.patience", 5.0, "patience = 5"),
            ("horizon", 60.0, "horizon = 60"),
            (
                "experiment.arms.two.params.verification",
                0.25,
                "verification = 0.25",
            ),
            ("experiment.arms.one.params.verification", 0.75, "0.75"),
        ] {
            let key = resolve(&d, k).unwrap_or_else(|e| panic!("{k}: {e}"));
            set(&mut d, &key, v);
            let text = toml::to_string(&d).unwrap();
            assert!(text.contains(want), "{k}: {text}");
        }
    }

    #[test]
    fn unknown_keys_are_refused_with_the_choices() {
        let d = doc();
        let e = resolve(&d, "actors.B.patience").unwrap_err();
        assert!(e.contains("no element 'B'") && e.contains("A"), "{e}");
        let e = resolve(&d, "params.nonsense").unwrap_err();
        assert!(e.contains("no 'nonsense'"), "{e}");
        let e = resolve(&d, "name").unwrap_err();
        assert!(e.contains("not a number"), "{e}");
        let e = resolve(&d, "actors.A.patience.x").unwrap_err();
        assert!(e.contains("not a table"), "{e}");
        assert!(resolve(&d, "a..b").is_err());
    }
}
