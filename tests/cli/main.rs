//! The one integration-test binary: the real `asc-jwt` run with a clean environment, and
//! `asc_jwt::run` in-process where the order of what is printed matters. One module per
//! concern; `common` and `fake_apple` are shared by all of them.

mod apple;
mod apple_network;
mod claims;
mod common;
mod config_errors;
mod docs;
mod explain;
mod fake_apple;
mod formats;
mod in_process;
mod inputs;
mod key_files;
mod key_forms;
#[cfg(unix)]
mod key_safety;
mod layout;
mod leaks;
mod modules;
mod near_misses;
mod runner_commands;
mod service_tokens;
mod verify_services;
