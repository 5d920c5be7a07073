//! The App Store Connect resources that accept a token living longer than 20 minutes.
//!
//! Apple, "Generating Tokens for API Requests" (`appstoreconnectapi/generating-tokens-
//! for-api-requests`), section "Determine the Appropriate Token Lifetime": "For most
//! requests, App Store Connect rejects a token with a lifetime greater than 20 minutes.
//! However, it accepts long-lived tokens for some inherently safe requests if: The token
//! defines a scope. The scope only includes GET requests. The resources in the scope
//! allow long-lived tokens. If a token meets all the above criteria, App Store Connect
//! accepts a token with a lifetime of up to six months for the following resources",
//! then the thirteen of [`RESOURCES`], in its order and words.
//!
//! A request belongs to the resource whose page lists it, as Apple's documentation
//! groups them (each of those pages says "This resource supports JSON web tokens with a
//! lifetime of up to six months"): every path under the resource's own type,
//! `/v1/<type>`, `/v1/<type>/{id}`, `/v1/<type>/{id}/<relationship>` and
//! `/v1/<type>/{id}/relationships/<relationship>` (so `/v1/ciBuildRuns/{id}/builds` is a
//! Build Runs request, on that page), and the few paths under another type that the page
//! lists (`/v1/apps/{id}/ciProduct` on the Products page). Paths from Apple's OpenAPI
//! specification 4.4.1. The Artifacts page (`ciArtifacts`) also claims long-lived tokens,
//! but the token page's list, which says what App Store Connect accepts, leaves it out:
//! it is not here, so such a token is kept to 20 minutes rather than risk a 401.

/// One resource of Apple's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// As Apple's list writes it.
    pub name: &'static str,
    /// The `/v1/<type>` segments whose every path is this resource's.
    pub types: &'static [&'static str],
    /// Paths under other types that this resource's page lists; `{id}` stands for any
    /// one segment.
    pub elsewhere: &'static [&'static str],
}

const fn resource(
    name: &'static str,
    types: &'static [&'static str],
    elsewhere: &'static [&'static str],
) -> Resource {
    Resource {
        name,
        types,
        elsewhere,
    }
}

/// The thirteen resources, in the order of Apple's list.
pub const RESOURCES: [Resource; 13] = [
    resource("Build Actions", &["ciBuildActions"], &[]),
    resource("Build Runs", &["ciBuildRuns"], &[]),
    resource("Git References", &["scmGitReferences"], &[]),
    resource("Issues", &["ciIssues"], &[]),
    resource("macOS Versions", &["ciMacOsVersions"], &[]),
    resource(
        "Products",
        &["ciProducts"],
        &[
            "/v1/apps/{id}/ciProduct",
            "/v1/apps/{id}/relationships/ciProduct",
        ],
    ),
    resource("Providers", &["scmProviders"], &[]),
    resource(
        "Power and Performance Metrics and Logs",
        &["diagnosticSignatures"],
        &[
            "/v1/apps/{id}/perfPowerMetrics",
            "/v1/builds/{id}/perfPowerMetrics",
            "/v1/builds/{id}/diagnosticSignatures",
            "/v1/builds/{id}/relationships/diagnosticSignatures",
        ],
    ),
    resource("Pull Requests", &["scmPullRequests"], &[]),
    resource("Repositories", &["scmRepositories"], &[]),
    resource("Test Results", &["ciTestResults"], &[]),
    resource("Workflows", &["ciWorkflows"], &[]),
    resource("Xcode Versions", &["ciXcodeVersions"], &[]),
];

/// The resource of [`RESOURCES`] that the scope entry `entry` reads, if it is a GET of
/// one: its path is read without the query, and must have the shape of Apple's paths
/// (`/v1/<type>`, then optionally an ID, then a relationship or `relationships/` and
/// one), each segment non-empty.
pub fn resource_of(entry: &str) -> Option<&'static Resource> {
    let target = entry.strip_prefix("GET ")?;
    let path = target.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.strip_prefix("/v1/")?.split('/').collect();
    let shaped = match segments.as_slice() {
        [_] | [_, _] | [_, _, _] => true,
        [_, _, relationships, _] => *relationships == "relationships",
        _ => false,
    };
    if !shaped || segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    RESOURCES.iter().find(|r| {
        r.types.contains(&segments[0]) || r.elsewhere.iter().any(|p| same_path(p, &segments))
    })
}

/// The longest `exp - iat` App Store Connect accepts for a token with `scope`: six months
/// when it has entries and every one is a GET of one of [`RESOURCES`], else 20 minutes.
pub fn max_lifetime(scope: Option<&[String]>) -> u64 {
    match scope {
        Some(entries)
            if !entries.is_empty() && entries.iter().all(|e| resource_of(e).is_some()) =>
        {
            crate::mint::token::MAX_GET_ONLY_DURATION
        }
        _ => crate::mint::token::MAX_DURATION,
    }
}

/// Whether `segments` (after `/v1/`) is `pattern`, `{id}` matching any segment.
fn same_path(pattern: &str, segments: &[&str]) -> bool {
    let wanted: Vec<&str> = pattern.trim_start_matches("/v1/").split('/').collect();
    wanted.len() == segments.len()
        && wanted
            .iter()
            .zip(segments)
            .all(|(w, s)| *w == "{id}" || w == s)
}

/// The resources' names as a message lists them.
pub fn names() -> String {
    let names: Vec<&str> = RESOURCES.iter().map(|r| r.name).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One request per resource, by the name Apple's list gives it: each is accepted
    /// as that resource, and every resource has one.
    const ACCEPTED: [(&str, &str); 13] = [
        ("Build Actions", "GET /v1/ciBuildActions/7/testResults"),
        ("Build Runs", "GET /v1/ciBuildRuns/7"),
        ("Git References", "GET /v1/scmGitReferences/7"),
        ("Issues", "GET /v1/ciIssues/7"),
        ("macOS Versions", "GET /v1/ciMacOsVersions"),
        ("Products", "GET /v1/apps/123/ciProduct"),
        ("Providers", "GET /v1/scmProviders"),
        (
            "Power and Performance Metrics and Logs",
            "GET /v1/apps/123/perfPowerMetrics",
        ),
        ("Pull Requests", "GET /v1/scmPullRequests/7"),
        ("Repositories", "GET /v1/scmRepositories/7/gitReferences"),
        ("Test Results", "GET /v1/ciTestResults/7"),
        ("Workflows", "GET /v1/ciWorkflows/1234"),
        ("Xcode Versions", "GET /v1/ciXcodeVersions?limit=5"),
    ];

    #[test]
    fn each_resource_of_apples_list_accepts_a_request_of_its_own() {
        for (name, entry) in ACCEPTED {
            assert_eq!(resource_of(entry).map(|r| r.name), Some(name), "{entry}");
        }
        let mut listed: Vec<&str> = ACCEPTED.iter().map(|(name, _)| *name).collect();
        listed.sort_unstable();
        let mut all: Vec<&str> = RESOURCES.iter().map(|r| r.name).collect();
        all.sort_unstable();
        assert_eq!(listed, all);
    }

    #[test]
    fn the_paths_each_page_lists_belong_to_its_resource() {
        let cases = [
            ("GET /v1/ciProducts", "Products"),
            ("GET /v1/ciProducts/1/app", "Products"),
            ("GET /v1/apps/1/relationships/ciProduct", "Products"),
            ("GET /v1/ciBuildActions/1/artifacts", "Build Actions"),
            (
                "GET /v1/ciBuildActions/1/relationships/issues",
                "Build Actions",
            ),
            ("GET /v1/ciBuildRuns/1/builds", "Build Runs"),
            ("GET /v1/ciBuildRuns/1/actions", "Build Runs"),
            (
                "GET /v1/builds/1/perfPowerMetrics",
                "Power and Performance Metrics and Logs",
            ),
            (
                "GET /v1/builds/1/diagnosticSignatures",
                "Power and Performance Metrics and Logs",
            ),
            (
                "GET /v1/diagnosticSignatures/1/logs",
                "Power and Performance Metrics and Logs",
            ),
            ("GET /v1/ciWorkflows/1/repository", "Workflows"),
            ("GET /v1/scmProviders/1/repositories", "Providers"),
            ("GET /v1/ciXcodeVersions/1/macOsVersions", "Xcode Versions"),
            ("GET /v1/ciProducts?filter[app]=1&limit=1", "Products"),
        ];
        for (entry, name) in cases {
            assert_eq!(resource_of(entry).map(|r| r.name), Some(name), "{entry}");
        }
    }

    #[test]
    fn other_resources_other_methods_and_other_shapes_are_refused() {
        for entry in [
            "GET /v1/apps",
            "GET /v1/builds",
            "GET /v1/apps/1",
            "GET /v1/apps/1/builds",
            "GET /v1/builds/1/app",
            "GET /v1/ciArtifacts/1",
            "POST /v1/ciBuildRuns",
            "PATCH /v1/ciWorkflows/1",
            "DELETE /v1/ciProducts/1",
            "GET /v2/ciProducts",
            "GET /ciProducts",
            "GET /v1/ciProducts/",
            "GET /v1//ciProducts",
            "GET /v1/ciProducts/1/app/extra",
            "GET /v1/ciProducts/1/other/app",
            "GET /v1/apps/1/ciProduct/x",
            "GET /v1/apps/1/perfPowerMetricsX",
        ] {
            assert_eq!(resource_of(entry), None, "{entry}");
        }
    }
}
