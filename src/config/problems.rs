//! What is wrong with a configuration: each problem names its variable, and every one
//! found is kept, so that one run reports them all. `config` and `services` fill it.

use std::fmt;
use std::path::PathBuf;

use crate::config::settings::Var;

/// One thing wrong with the configuration. The message never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub var: Var,
    /// Follows the variable's name: `is not set`, `must …`.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.var, self.message)
    }
}

/// A configuration that cannot mint, with everything found wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invalid {
    /// In the order of the settings table.
    pub problems: Vec<Problem>,
    pub warnings: Vec<String>,
    /// Settings whose problem is told in another's message (e.g. two swapped values),
    /// so that they are neither parsed nor reported again.
    pub reported_with: Vec<Var>,
    /// The key file named, still to be read (by `load`), so that a missing or unreadable
    /// one is reported with the other problems.
    pub key_file: Option<PathBuf>,
}

impl Invalid {
    pub(crate) fn problem(&mut self, var: Var, message: impl Into<String>) {
        let message = message.into();
        self.problems.push(Problem { var, message });
    }

    /// Whether a problem was already found with `var`, so that its absence is not
    /// reported again as "not set", nor checked against other settings.
    pub(crate) fn failed(&self, var: Var) -> bool {
        self.problems.iter().any(|p| p.var == var) || self.reported_with.contains(&var)
    }

    pub(crate) fn take<T>(&mut self, var: Var, result: Result<T, String>) -> Option<T> {
        result.map_err(|message| self.problem(var, message)).ok()
    }

    /// The value read, or `default` when unset; `None` when it was invalid.
    pub(crate) fn or<T>(&self, var: Var, value: Option<T>, default: T) -> Option<T> {
        value.or_else(|| (!self.failed(var)).then_some(default))
    }
}
