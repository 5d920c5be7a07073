//! Minting: every key form read into one P-256 key ([`key`]), each service's header,
//! claims and lifetime ([`token`]), signed by the `ring`-backed ES256 provider
//! ([`crypto`]); [`time`] reads and writes the dates involved.

pub mod crypto;
pub mod key;
pub mod time;
pub mod token;
