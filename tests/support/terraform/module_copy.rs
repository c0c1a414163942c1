//! What the harness reads from a module copy (variables, data sources, the provider constraint,
//! the region) and the values the root configuration gives it (provider settings, placeholder
//! variables, data-source overrides for `terraform test`). Modules are read with hcl-rs (`.tf`)
//! or serde_json (`.tf.json`), never with patterns.

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use hcl::template::{Element, Template};
use hcl::{Body, Expression, ObjectKey};
use serde_json::{json, Map, Value};

/// Data sources the AWS provider answers from its own configuration, without calling AWS
/// (checked offline against provider 5.100 with fake credentials). Any other data source makes a
/// module go through `terraform test` with that data source overridden.
const LOCAL_DATA_SOURCES: &[&str] = &[
    "aws_default_tags",
    "aws_iam_policy_document",
    "aws_partition",
    "aws_region",
];

/// The account of every placeholder ARN and of the overridden caller identity.
const ACCOUNT: &str = "123456789012";

/// A `data` block: type, name, and the arguments it gives as literal strings.
pub type DataSource = (String, String, Map<String, Value>);

/// What a module declares that the harness needs.
#[derive(Debug, Default)]
pub struct Declared {
    /// The module has `.tf` files (so `terraform fmt -check` applies).
    pub hcl: bool,
    /// Variables without a default, with their type constraint.
    pub variables: Vec<(String, Option<Expression>)>,
    pub data: Vec<DataSource>,
    /// `terraform.required_providers.aws.version`.
    pub aws_constraint: Option<String>,
    /// The stack's region: a literal `awslogs-region` in a container definition (gen-tf writes
    /// `var.region` there when the stack names none).
    pub region: Option<String>,
}

impl Declared {
    pub fn read(dir: &Path) -> Result<Declared, String> {
        let mut out = Declared::default();
        let mut paths: Vec<PathBuf> = fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let text = || fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"));
            if name.ends_with(".tf.json") {
                let value: Value =
                    serde_json::from_str(&text()?).map_err(|e| format!("{name}: {e}"))?;
                out.read_json(&value).map_err(|e| format!("{name}: {e}"))?;
            } else if name.ends_with(".tf") {
                out.hcl = true;
                out.read_hcl(&hcl::parse(&text()?).map_err(|e| format!("{name}: {e}"))?);
            }
        }
        Ok(out)
    }

    /// The data sources that call AWS, which `plan` cannot read offline.
    pub fn remote_data(&self) -> Vec<&DataSource> {
        let remote = |(ty, _, _): &&DataSource| !LOCAL_DATA_SOURCES.contains(&ty.as_str());
        self.data.iter().filter(remote).collect()
    }

    fn read_hcl(&mut self, body: &Body) {
        for block in body.blocks() {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let attrs = || block.body.attributes();
            match (block.identifier.as_str(), labels.as_slice()) {
                ("variable", [name]) => {
                    if !attrs().any(|a| a.key.as_str() == "default") {
                        let ty = attrs().find(|a| a.key.as_str() == "type");
                        self.variables
                            .push(((*name).to_owned(), ty.map(|a| a.expr.clone())));
                    }
                }
                ("data", [ty, name]) => {
                    let literals = attrs()
                        .filter_map(|a| match &a.expr {
                            Expression::String(s) => Some((a.key.to_string(), s.clone().into())),
                            _ => None,
                        })
                        .collect();
                    self.data
                        .push(((*ty).to_owned(), (*name).to_owned(), literals));
                }
                ("terraform", []) => {
                    let providers = block
                        .body
                        .blocks()
                        .filter(|b| b.identifier.as_str() == "required_providers");
                    for a in providers
                        .flat_map(|p| p.body.attributes())
                        .filter(|a| a.key.as_str() == "aws")
                    {
                        if let Expression::Object(o) = &a.expr {
                            if let Some((_, Expression::String(v))) =
                                o.iter().find(|(k, _)| key_is(k, "version"))
                            {
                                self.aws_constraint = Some(v.clone());
                            }
                        }
                    }
                }
                _ => {
                    if self.region.is_none() {
                        self.region = body_region(&block.body);
                    }
                }
            }
        }
    }

    fn read_json(&mut self, file: &Value) -> Result<(), String> {
        for (name, decl) in objects(&file["variable"]).into_iter().flatten() {
            for decl in objects(decl)
                .into_iter()
                .filter(|d| !d.contains_key("default"))
            {
                let ty = match decl.get("type").and_then(Value::as_str) {
                    Some(t) => {
                        Some(Expression::from_str(t).map_err(|e| format!("variable {name}: {e}"))?)
                    }
                    None => None,
                };
                self.variables.push((name.clone(), ty));
            }
        }
        for (ty, blocks) in objects(&file["data"]).into_iter().flatten() {
            for (name, block) in objects(blocks).into_iter().flatten() {
                let literals = objects(block)
                    .into_iter()
                    .flatten()
                    .filter(|(_, v)| v.as_str().is_some_and(|s| !s.contains("${")))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                self.data.push((ty.clone(), name.clone(), literals));
            }
        }
        for tf in objects(&file["terraform"]) {
            for providers in tf
                .get("required_providers")
                .map(objects)
                .unwrap_or_default()
            {
                if let Some(v) = providers.get("aws").and_then(|aws| aws["version"].as_str()) {
                    self.aws_constraint = Some(v.to_owned());
                }
            }
        }
        if self.region.is_none() {
            self.region = json_region(file);
        }
        Ok(())
    }
}

/// The objects of a JSON-syntax body: Terraform takes an object or an array of objects.
fn objects(v: &Value) -> Vec<&Map<String, Value>> {
    match v {
        Value::Object(o) => vec![o],
        Value::Array(a) => a.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

fn key_is(key: &ObjectKey, name: &str) -> bool {
    match key {
        ObjectKey::Identifier(i) => i.as_str() == name,
        ObjectKey::Expression(Expression::String(s)) => s == name,
        _ => false,
    }
}

fn body_region(body: &Body) -> Option<String> {
    body.attributes()
        .find_map(|a| region_in(&a.expr))
        .or_else(|| body.blocks().find_map(|b| body_region(&b.body)))
}

/// In JSON syntax, the container definitions are a template string (`"${jsonencode(...)}"`)
/// whose interpolation is an HCL expression.
fn json_region(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.contains("${") => {
            let template = Template::from_str(s).ok()?;
            template.elements().iter().find_map(|e| match e {
                Element::Interpolation(i) => region_in(&i.expr),
                _ => None,
            })
        }
        Value::Array(a) => a.iter().find_map(json_region),
        Value::Object(o) => o.values().find_map(json_region),
        _ => None,
    }
}

fn region_in(expr: &Expression) -> Option<String> {
    match expr {
        Expression::Object(o) => o.iter().find_map(|(k, v)| match v {
            Expression::String(s) if key_is(k, "awslogs-region") => Some(s.clone()),
            _ => region_in(v),
        }),
        Expression::Array(items) => items.iter().find_map(region_in),
        Expression::FuncCall(f) => f.args.iter().find_map(region_in),
        Expression::Parenthesis(e) => region_in(e),
        _ => None,
    }
}

// ------------------------------------------------------------------------------------------
// What the harness adds

/// `aws`, `aws-us-gov` or `aws-cn`: the partition of placeholder ARNs.
fn partition(region: &str) -> &'static str {
    match region {
        r if r.starts_with("us-gov-") => "aws-us-gov",
        r if r.starts_with("cn-") => "aws-cn",
        _ => "aws",
    }
}

/// A placeholder of the variable's declared type that the provider's plan-time validation
/// accepts: strings are chosen by the variable's name.
pub fn placeholder(name: &str, ty: Option<&Expression>, region: &str) -> Value {
    let string = || Value::from(placeholder_string(name, region));
    let Some(ty) = ty else { return string() };
    match ty {
        Expression::Variable(v) if v.as_str() == "number" => json!(1),
        Expression::Variable(v) if v.as_str() == "bool" => json!(false),
        Expression::FuncCall(f) => {
            let arg = f.args.first();
            match (f.name.name.as_str(), arg) {
                ("list" | "set", _) => json!([placeholder(name, arg, region)]),
                ("map", _) => json!({ "key": placeholder(name, arg, region) }),
                ("optional", _) => placeholder(name, arg, region),
                ("tuple", Some(Expression::Array(items))) => items
                    .iter()
                    .map(|t| placeholder(name, Some(t), region))
                    .collect(),
                ("object", Some(Expression::Object(fields))) => {
                    let fields = fields.iter().map(|(k, t)| {
                        let key = match k {
                            ObjectKey::Identifier(i) => i.to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.clone(),
                            _ => "field".to_owned(),
                        };
                        let value = placeholder(&key, Some(t), region);
                        (key, value)
                    });
                    Value::Object(fields.collect())
                }
                _ => string(),
            }
        }
        _ => string(),
    }
}

/// A string the provider accepts for what the variable's name says it is: subnet, route table,
/// security group, VPC and prefix list IDs, load balancer ARN suffixes, ARNs and image URIs.
fn placeholder_string(name: &str, region: &str) -> String {
    let p = partition(region);
    let has = |s: &str| name.contains(s);
    if name == "region" || name.ends_with("_region") {
        region.to_owned()
    } else if has("subnet") {
        "subnet-0123456789abcdef0".to_owned()
    } else if has("route_table") {
        "rtb-0123456789abcdef0".to_owned()
    } else if has("security_group") {
        "sg-0123456789abcdef0".to_owned()
    } else if has("vpc_id") {
        "vpc-0123456789abcdef0".to_owned()
    } else if has("prefix_list") {
        "pl-0123456789abcdef0".to_owned()
    } else if name.ends_with("lb_arn_suffix") {
        "app/placeholder/0123456789abcdef".to_owned()
    } else if name.ends_with("target_group_arn_suffix") {
        "targetgroup/placeholder/0123456789abcdef".to_owned()
    } else if has("target_group_arn") {
        format!("arn:{p}:elasticloadbalancing:{region}:{ACCOUNT}:targetgroup/placeholder/0123456789abcdef")
    } else if has("kms") {
        format!("arn:{p}:kms:{region}:{ACCOUNT}:key/00000000-0000-4000-8000-000000000000")
    } else if has("arn") {
        format!("arn:{p}:iam::{ACCOUNT}:role/placeholder")
    } else if has("image") {
        format!("{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/placeholder:1.0.0")
    } else {
        let mut s = format!("placeholder-{}", name.replace('_', "-"));
        s.truncate(60);
        s
    }
}

/// The provider configuration that lets `plan` run without AWS: fake credentials, and no
/// account, metadata or region lookups; under `alias` when given.
pub fn provider_settings(region: &str, alias: Option<&str>) -> Map<String, Value> {
    let mut settings = Map::new();
    if let Some(alias) = alias {
        settings.insert("alias".to_owned(), alias.into());
    }
    let fixed = json!({
        "region": region,
        "max_retries": 1,
        "access_key": "AKIAIOSFODNN7EXAMPLE",
        "secret_key": "gen-tf-test-not-a-secret",
        "skip_credentials_validation": true,
        "skip_requesting_account_id": true,
        "skip_metadata_api_check": true,
        "skip_region_validation": true,
    });
    settings.extend(fixed.as_object().expect("an object").clone());
    settings
}

/// Realistic values for a data source that calls AWS, so that what uses them (ARNs, prefix list
/// IDs) passes the provider's plan-time validation; Terraform makes up the other attributes.
pub fn data_override((ty, _, literals): &DataSource, region: &str) -> Value {
    let p = partition(region);
    let given = |k: &str| literals.get(k).and_then(Value::as_str);
    match ty.as_str() {
        "aws_caller_identity" => json!({
            "account_id": ACCOUNT,
            "arn": format!("arn:{p}:iam::{ACCOUNT}:user/gen-tf-test"),
            "user_id": "AIDAGENTFTESTPLACEHOLDER",
        }),
        "aws_prefix_list" | "aws_ec2_managed_prefix_list" => json!({
            "id": "pl-0123456789abcdef0",
            "name": given("name").unwrap_or("com.amazonaws.placeholder"),
        }),
        "aws_vpc_endpoint" => json!({
            "id": "vpce-0123456789abcdef0",
            "arn": format!("arn:{p}:ec2:{region}:{ACCOUNT}:vpc-endpoint/vpce-0123456789abcdef0"),
            "prefix_list_id": "pl-0123456789abcdef0",
        }),
        "aws_vpc_endpoint_service" => {
            let service = given("service").unwrap_or("placeholder");
            let name = given("service_name").map(str::to_owned);
            json!({ "service_name": name.unwrap_or_else(|| format!("com.amazonaws.{region}.{service}")) })
        }
        _ => json!({}),
    }
}

pub fn hcl_text(body: &Body) -> String {
    hcl::to_string(body).expect("test support HCL serializes")
}
