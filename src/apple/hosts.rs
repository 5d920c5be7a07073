//! Apple's hosts: the one each service's token is checked against (and whose `Date`
//! header is read), and whether a base URL is one of them rather than the test-only URL.

use crate::mint::token::Api;

/// The host each service's token is checked against (and whose `Date` header is read).
pub fn base_url(api: Api) -> &'static str {
    match api {
        Api::AppStoreConnect => "https://api.appstoreconnect.apple.com",
        Api::Enterprise => "https://api.enterprise.developer.apple.com",
        // The sandbox: "A properly-constructed JWT should work for both the sandbox and
        // production environments" (Apple, developer forums 711801); hosts from
        // `appstoreserverapi/get-transaction-info`.
        Api::AppStoreServer => "https://api.storekit-sandbox.apple.com",
        // `apple_ads/implementing-oauth-for-the-apple-search-ads-api`: the token endpoint
        // `https://appleid.apple.com/auth/oauth2/token`.
        Api::SignInWithApple | Api::AppleAds => "https://appleid.apple.com",
        Api::BusinessManager | Api::SchoolManager => "https://account.apple.com",
        Api::Apns => "https://api.push.apple.com",
        Api::Music => "https://api.music.apple.com",
        Api::WeatherKit => "https://weatherkit.apple.com",
        Api::Maps => "https://maps-api.apple.com",
        // "you must use the production base URL `https://api.devicecheck.apple.com`"
        // (`devicecheck/accessing-and-modifying-per-device-data`); only its clock is read.
        Api::DeviceCheck => "https://api.devicecheck.apple.com",
    }
}

/// Whether `base` is one of Apple's API hosts, rather than the test-only loopback URL.
pub(crate) fn is_apple(base: &str) -> bool {
    Api::ALL.into_iter().any(|api| base_url(api) == base)
}
