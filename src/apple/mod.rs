//! The two optional calls to Apple: reading Apple's clock from an unauthenticated
//! request's `Date` header, and one cheap authenticated request that shows whether Apple
//! accepts the token — with a diagnosis when it does not. One file a concern:
//! [`transport`] (the HTTPS client, proxies, no redirects, transport failures in words),
//! [`clock`] (Apple's `Date`), [`hosts`] (each service's host), [`probes`] (each service's harmless request),
//! [`verify`] (asking, and the one retry after a 401), [`answers`] (Apple's error forms
//! and the exchange's access token) and [`diagnosis`] (what to check after a refusal).

pub mod answers;
pub mod clock;
pub mod diagnosis;
pub mod hosts;
pub mod probes;
pub mod transport;
pub mod verify;
