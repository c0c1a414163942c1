//! The shapes of AWS identifiers that stacks name: ARNs and region codes. Parsed here once, for
//! the rules that check them and for resolution, which takes them apart.

/// The parts of `arn:<partition>:<service>:<region>:<account>:<resource>`, the resource kept
/// whole (it may contain ':').
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits an ARN into its parts; the error says what form was expected.
    pub fn parse(s: &'a str) -> Result<Self, String> {
        let mut parts = s.splitn(6, ':');
        match (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) {
            (
                Some("arn"),
                Some(partition),
                Some(service),
                Some(region),
                Some(account),
                Some(resource),
            ) => Ok(Self {
                partition,
                service,
                region,
                account,
                resource,
            }),
            _ => Err(
                "it does not have the form arn:<partition>:<service>:<region>:<account>:<resource>"
                    .to_owned(),
            ),
        }
    }

    /// Partition, region and account, which every ARN gen-tf takes has.
    pub fn location_problem(&self) -> Option<String> {
        if !is_partition(self.partition) {
            return Some(format!("`{}` is not an AWS partition", self.partition));
        }
        if !is_region(self.region) {
            return Some(format!("`{}` is not a region code", self.region));
        }
        if self.account.len() != 12 || !self.account.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!("`{}` is not a 12-digit account ID", self.account));
        }
        None
    }
}

/// The AWS partitions, the second field of every ARN.
pub fn is_partition(s: &str) -> bool {
    const PARTITIONS: &[&str] = &[
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws-iso",
        "aws-iso-b",
        "aws-iso-e",
        "aws-iso-f",
        "aws-eusc",
    ];
    PARTITIONS.contains(&s)
}

/// `^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`, the shape of every AWS region code. One digit:
/// the AWS provider refuses an ARN whose region ends in more (its ARN check,
/// `^[a-z]{2}(-[a-z]+)+-[0-9]$` for the region, in internal/verify/validate.go), and no region
/// has more.
/// The regions AWS has, by partition: the commercial regions, China, GovCloud, the European
/// Sovereign Cloud and the isolated regions. The AWS provider refuses any other region when it
/// configures itself (unless `skip_region_validation`), so a code shaped like a region that is
/// not one (`ap-souteast-2`) fails every plan.
/// Source: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
pub const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-isoe-west-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "us-west-1",
    "us-west-2",
];

/// A region AWS has (see [`REGIONS`]), not only a code shaped like one.
pub fn is_known_region(s: &str) -> bool {
    REGIONS.contains(&s)
}

pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let lower = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let number = |p: &str| p.len() == 1 && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [geo, area, n] => geo.len() == 2 && lower(geo) && lower(area) && number(n),
        [geo, part, area, n] => {
            geo.len() == 2
                && lower(geo)
                && (*part == "gov" || part.starts_with("iso") && lower(part))
                && lower(area)
                && number(n)
        }
        _ => false,
    }
}

/// How a Secrets Manager secret name in an ARN ends: the `-` and six letters or digits that
/// Secrets Manager appends to a name make the ARN complete; without them it is partial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSuffix {
    /// No `-` and six characters at the end: a partial ARN.
    None,
    /// A tail that mixes letters of both cases or letters and digits, as the random suffix
    /// does: a complete ARN.
    Random,
    /// A tail of one kind of character only, such as `-master` or `-202401`: a word of the
    /// name as likely as a random suffix, so the ARN may be partial or complete. The Secrets
    /// Manager docs advise against names that end this way for this reason.
    Ambiguous,
}

/// Source: https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html#ARN_secretnamehyphen
pub fn secret_suffix(name: &str) -> SecretSuffix {
    let Some((head, tail)) = name.rsplit_once('-') else {
        return SecretSuffix::None;
    };
    if head.is_empty() || tail.len() != 6 || !tail.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return SecretSuffix::None;
    }
    let one_kind = tail.bytes().all(|b| b.is_ascii_lowercase())
        || tail.bytes().all(|b| b.is_ascii_uppercase())
        || tail.bytes().all(|b| b.is_ascii_digit());
    if one_kind {
        SecretSuffix::Ambiguous
    } else {
        SecretSuffix::Random
    }
}

/// `<prefix>-` and 8 or 17 lower-case hex digits: the shape of EC2 IDs such as `sg-...` and
/// `pl-...`.
/// Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroup.html
pub fn is_ec2_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|hex| {
            matches!(hex.len(), 8 | 17)
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec2_ids() {
        assert!(is_ec2_id("sg-0123456789abcdef0", "sg"));
        assert!(is_ec2_id("pl-6ca54005", "pl"));
        assert!(!is_ec2_id("sg-0123", "sg"));
        assert!(!is_ec2_id("pl-6ca54005", "sg"));
        assert!(!is_ec2_id("sg-0123456789ABCDEF0", "sg"));
    }

    #[test]
    fn secret_suffixes() {
        assert_eq!(secret_suffix("db-AbCdEf"), SecretSuffix::Random);
        assert_eq!(secret_suffix("db-a1b2c3"), SecretSuffix::Random);
        assert_eq!(secret_suffix("catalog/db-master"), SecretSuffix::Ambiguous);
        assert_eq!(secret_suffix("db-123456"), SecretSuffix::Ambiguous);
        assert_eq!(secret_suffix("app/jwt"), SecretSuffix::None);
        assert_eq!(secret_suffix("-AbCdEf"), SecretSuffix::None);
        assert_eq!(
            secret_suffix("rds!cluster-8c2b1f04-5b1e-4f0e-9d57-0a1b2c3d4e5f"),
            SecretSuffix::None
        );
    }

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "us-isob-east-1",
            "ap-southeast-5",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us_east_1",
            "useast1",
            "us-east-1a",
            "us-east-10",
            "${var.region}",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn arns() {
        let a = Arn::parse("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:k::").unwrap();
        assert_eq!(
            (a.service, a.region, a.resource),
            ("secretsmanager", "eu-west-1", "secret:db:k::")
        );
        assert_eq!(a.location_problem(), None);
        assert!(Arn::parse("arn:aws:s3").is_err());
        let bad = Arn::parse("arn:aws:kms:eu-west-1:1234:key/x").unwrap();
        assert!(bad.location_problem().is_some());
    }
}
