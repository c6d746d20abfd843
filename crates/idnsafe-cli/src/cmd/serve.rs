//! `idnsafe serve --policy FILE --state DIR|URL [--protect FILE] [--tokens
//! FILE] [--listen ADDR]`: the screening service (see `docs/SERVICE.md`),
//! and `idnsafe token hash`, which prints the hash a tokens file holds.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::CliError;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The registry policy: a bundled policy by name (`idnsafe policy list`) or a TOML file (see tables/policies/README.md).
    #[arg(long, value_name = "FILE")]
    policy: PathBuf,
    /// The registry state: a directory (SQLite `state.db`, created when missing) or a
    /// postgres:// URL.
    #[arg(long, value_name = "DIR|URL")]
    state: String,
    /// Protected names (list or index), as for `check --protect`.
    #[arg(long, value_name = "FILE")]
    protect: Option<PathBuf>,
    /// Bearer tokens with roles (`NAME ROLES sha256:HEX` a line; see `idnsafe token hash`).
    /// Required unless listening on a loopback address.
    #[arg(long, value_name = "FILE")]
    tokens: Option<PathBuf>,
    /// Address and port to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8053")]
    listen: SocketAddr,
    /// Requests handled at once; more are answered 503 with Retry-After.
    #[arg(long, default_value_t = 1024)]
    max_in_flight: usize,
    /// Largest JSON request body, in bytes.
    #[arg(long, default_value_t = 65_536)]
    max_body: usize,
    /// Largest NDJSON batch body, in bytes.
    #[arg(long, default_value_t = 268_435_456)]
    max_batch_body: usize,
    /// Seconds to answer one JSON request.
    #[arg(long, default_value_t = 30)]
    request_timeout: u64,
    /// Seconds a client may take to send its headers, or between chunks of a batch.
    #[arg(long, default_value_t = 10)]
    idle_timeout: u64,
}

pub fn run(args: &ServeArgs) -> Result<(), CliError> {
    let config = idnsafe_server::ServeConfig {
        policy: args.policy.clone(),
        state: args.state.clone(),
        protect: args.protect.clone(),
        tokens: args.tokens.clone(),
        listen: args.listen,
        accept_policy_change: false,
        limits: idnsafe_server::Limits {
            max_body: args.max_body,
            max_batch_body: args.max_batch_body,
            max_in_flight: args.max_in_flight.max(1),
            request_timeout: Duration::from_secs(args.request_timeout.max(1)),
            idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
        },
    };
    idnsafe_server::run(&config, |addr, app| {
        let reg = &app.0.registry;
        if app.open_to_all() {
            eprintln!(
                "idnsafe serve: no --tokens: every client on this loopback address has every role (read, register, review)"
            );
        }
        let (policy_time, state_time) = app.load_times();
        eprintln!(
            "idnsafe serve: policy {} loaded in {} ms; {} registrations loaded in {} ms from {}",
            reg.meta().policy,
            policy_time.as_millis(),
            reg.len(),
            state_time.as_millis(),
            args.state
        );
        // The line a supervisor (or a test) waits for.
        eprintln!("idnsafe serve: listening on http://{addr}");
    })
    .map_err(|e| CliError::usage(e.to_string()))
}

#[derive(clap::Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    command: TokenCommand,
}

#[derive(clap::Subcommand)]
enum TokenCommand {
    /// Reads a token from standard input (its first line) and prints the `sha256:HEX` a tokens
    /// file holds for it.
    Hash,
}

pub fn run_token(args: &TokenArgs) -> Result<(), CliError> {
    match args.command {
        TokenCommand::Hash => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let token = line.trim_end_matches(['\n', '\r']);
            if token.len() < 16 {
                return Err(CliError::usage(
                    "TOKEN_TOO_SHORT: a token needs at least 16 characters (use a random one, e.g. `openssl rand -hex 32`)",
                ));
            }
            println!("{}", idnsafe_server::hash_token(token));
            Ok(())
        }
    }
}
