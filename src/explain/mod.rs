//! 4'. `asc-jwt explain`: a token minted by any tool, read ([`decode`]), its service
//! found ([`service`]), checked against that service's rules ([`rules`], [`ids`]) and
//! signature ([`signature`]), then reported ([`report`]).

pub mod ask;
pub mod decode;
pub mod ids;
pub mod report;
pub mod rules;
pub mod run;
pub mod service;
pub mod signature;
