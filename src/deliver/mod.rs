//! Delivery: the token in the chosen format ([`output`]), the key files other tools read
//! ([`keyfile`]), the runner's protocol of masks, commands and files ([`github`]), and the
//! bounded reads of files found on disk ([`safe_read`]).

pub mod github;
pub mod keyfile;
pub mod output;
pub mod safe_read;
