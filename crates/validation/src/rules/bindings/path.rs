//! FHIRPath expressions built on the stack and rendered only when a finding needs one, so that
//! walking the coded elements of a valid bundle allocates nothing.

use std::fmt;

/// `Bundle.entry[i].resource` followed by fields and indexed fields, each step borrowing the
/// path it extends.
#[derive(Clone, Copy)]
pub(super) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Entry(usize),
    Field(&'a str),
    Index(&'a str, usize),
}

impl<'a> Path<'a> {
    /// The resource of entry `i`.
    pub(super) fn entry(i: usize) -> Path<'static> {
        Path {
            parent: None,
            step: Step::Entry(i),
        }
    }

    /// `self.name`
    pub(super) fn field(&'a self, name: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Field(name),
        }
    }

    /// `self.name[n]`
    pub(super) fn index(&'a self, name: &'a str, n: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Index(name, n),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.step {
            Step::Entry(i) => write!(f, "Bundle.entry[{i}].resource"),
            Step::Field(name) => write!(f, ".{name}"),
            Step::Index(name, n) => write!(f, ".{name}[{n}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_fhirpath() {
        let at = Path::entry(1);
        let coding = at.field("type");
        let code = coding.index("coding", 0);
        assert_eq!(
            code.field("code").to_string(),
            "Bundle.entry[1].resource.type.coding[0].code"
        );
    }
}
