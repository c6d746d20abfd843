//! Bearer tokens with roles, read from a file of hashes.
//!
//! The file has one token a line: `NAME ROLES HASH`, where ROLES is a comma
//! list of `read`, `register`, `review` and HASH is `sha256:` and the hex
//! SHA-256 of the token (`idnsafe serve --hash-token` prints it). Blank
//! lines and `#` comments are ignored. Tokens are never stored in clear:
//! a presented token is hashed and compared with every entry in constant
//! time.

use sha2::{Digest, Sha256};

/// What a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// check, screen, variants, confusable, generate, registrations and log
    /// reads.
    Read,
    /// Create and release registrations.
    Register,
    /// Decide pending applications.
    Review,
}

impl Role {
    fn parse(s: &str) -> Option<Role> {
        match s {
            "read" => Some(Role::Read),
            "register" => Some(Role::Register),
            "review" => Some(Role::Review),
            _ => None,
        }
    }

    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Register => "register",
            Role::Review => "review",
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    roles: Vec<Role>,
    hash: [u8; 32],
}

/// The configured tokens.
#[derive(Debug, Clone)]
pub struct Tokens {
    entries: Vec<Entry>,
}

/// Most tokens in one file.
const MAX_TOKENS: usize = 10_000;

/// The `sha256:HEX` form of a token, as the tokens file holds it.
pub fn hash_token(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    format!("sha256:{}", d.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn parse_hash(s: &str) -> Option<[u8; 32]> {
    let hex = s.strip_prefix("sha256:")?;
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl Tokens {
    /// Parses a tokens file; errors name the line.
    pub fn parse(text: &str) -> Result<Tokens, String> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |why: &str| format!("line {}: {why}", i + 1);
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [name, roles, hash] = fields.as_slice() else {
                return Err(bad("expected NAME ROLES sha256:HEX"));
            };
            let roles = roles
                .split(',')
                .map(|r| Role::parse(r).ok_or_else(|| bad(&format!("unknown role {r:?}"))))
                .collect::<Result<Vec<_>, _>>()?;
            let hash = parse_hash(hash).ok_or_else(|| bad("the hash is not sha256:<64 hex>"))?;
            if entries.len() >= MAX_TOKENS {
                return Err(bad(&format!("more than {MAX_TOKENS} tokens")));
            }
            entries.push(Entry { name: (*name).to_owned(), roles, hash });
        }
        if entries.is_empty() {
            return Err("no tokens in the file".to_owned());
        }
        Ok(Tokens { entries })
    }

    /// The name and roles of a presented token, if it is one of ours.
    /// Every entry is compared, in constant time each, whatever matches.
    pub fn find(&self, token: &str) -> Option<(&str, &[Role])> {
        let h: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = None;
        for e in &self.entries {
            let diff = e.hash.iter().zip(h.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if diff == 0 && found.is_none() {
                found = Some((e.name.as_str(), e.roles.as_slice()));
            }
        }
        found
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True without tokens (never, once parsed).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_by_hash_with_their_roles() {
        let file = format!(
            "# registrars\nacme read,register {}\nrev review {}  # reviewers\n",
            hash_token("s3cret-acme"),
            hash_token("s3cret-rev")
        );
        let t = Tokens::parse(&file).unwrap();
        assert_eq!(t.len(), 2);
        let (name, roles) = t.find("s3cret-acme").unwrap();
        assert_eq!(name, "acme");
        assert_eq!(roles, [Role::Read, Role::Register]);
        assert_eq!(t.find("s3cret-rev").unwrap().1, [Role::Review]);
        assert!(t.find("s3cret-acm").is_none());
        assert!(t.find("").is_none());
    }

    #[test]
    fn malformed_token_files_name_the_line() {
        assert!(Tokens::parse("").unwrap_err().contains("no tokens"));
        assert!(Tokens::parse("a read").unwrap_err().starts_with("line 1"));
        let e = Tokens::parse(&format!("\na admin {}", hash_token("x"))).unwrap_err();
        assert!(e.starts_with("line 2") && e.contains("admin"), "{e}");
        assert!(Tokens::parse("a read sha256:00").unwrap_err().contains("hash"));
        assert!(
            Tokens::parse(&format!("a read {}", "sha256:".to_owned() + &"é".repeat(32))).is_err()
        );
    }
}
