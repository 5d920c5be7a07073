//! Configuration: the environment read into [`check::Settings`], purely, every problem
//! found at once ([`problems`]), then the key and folders loaded ([`load`]).
//!
//! [`settings`] is the table of every `ASC_*` variable (its input, default, help line and
//! parser), [`values`] the checks of one value ([`key_material`] finds the key pasted into
//! one), [`usage`] what each Apple service requires, allows or refuses, [`services`] the
//! checks that depend on the service ([`client_ids`] the `PREFIX.<uuid>` IDs), and [`long_lived`] the resources whose App Store Connect
//! tokens may live past 20 minutes. [`near_miss`] names what was probably meant: a
//! misspelt `ASC_*` variable, another tool's name for a setting.

pub mod check;
pub mod client_ids;
pub mod explaining;
pub mod key_material;
pub mod load;
pub mod long_lived;
pub mod near_miss;
pub mod problems;
pub mod services;
pub mod settings;
pub mod usage;
pub mod values;
