//! `detente serve`: the live classroom. A local web server over one scenario: the page
//! (embedded, with no outside assets), its levers that rerun the experiment, a run to step
//! through month by month, and the results to download. It reads no file after the scenario
//! and writes none; every request is answered from the scenario and the request alone.

mod api;
mod game;
mod levers;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use super::{Error, args::ServeArgs, limits, negotiation};
use levers::Lever;

/// The page, with its script and style inline.
const PAGE: &str = include_str!("page.html");
/// The most runs per arm a request may ask for.
pub const MAX_RUNS: u64 = 20_000;
/// The longest request target read (path and query).
const MAX_URL: usize = 4096;
/// The requests that change a game; every other is a GET.
const POSTS: [&str; 2] = ["/api/game/new", "/api/game/move"];
/// The largest request body accepted (the game's requests carry their values in the URL).
const MAX_BODY: usize = 4096;
/// Requests handled at once; more wait in the listener's queue.
const WORKERS: usize = 8;
/// Clients whose latest rerun is remembered (to cancel the one before); beyond it the
/// memory starts afresh.
const MAX_CLIENTS: usize = 4096;

/// What every request reads: the scenario, its levers, the defaults, and the runs in flight.
pub(crate) struct Shared {
    loaded: crate::scenario::Loaded,
    doc: toml::Table,
    levers: Vec<Lever>,
    runs: u64,
    pool: rayon::ThreadPool,
    /// Each client's latest rerun: a rerun whose number is no longer the latest stops.
    latest: Mutex<std::collections::HashMap<String, u64>>,
    /// The games students play.
    games: game::Games,
}

/// `detente serve`.
pub fn command(a: ServeArgs) -> Result<(), Error> {
    let loaded = negotiation(
        a.scenario.as_deref(),
        "serve shows negotiation scenarios, not repeated games",
    )?;
    if a.runs == 0 || a.runs > MAX_RUNS {
        return Err(Error::input(format!(
            "--runs {} must be between 1 and {MAX_RUNS}",
            a.runs
        )));
    }
    let threads = limits::threads(a.threads)?;
    let doc: toml::Table = loaded
        .text
        .parse()
        .map_err(|e: toml::de::Error| Error::input(format!("{}: {e}", loaded.path)))?;
    let levers = levers::of(&loaded.scenario, &doc);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Failed(e.to_string()))?;
    let shared = Arc::new(Shared {
        loaded,
        doc,
        levers,
        runs: a.runs,
        pool,
        latest: Mutex::new(std::collections::HashMap::new()),
        games: game::Games::default(),
    });
    let server = tiny_http::Server::http(SocketAddr::new(a.bind, a.port))
        .map_err(|e| Error::input(format!("cannot listen on {}:{}: {e}", a.bind, a.port)))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Error::Failed("the server has no IP address".into()))?;
    if !a.bind.is_loopback() {
        eprintln!(
            "warning: listening on {} opens the page to every machine that can reach this one; anyone there can run the scenario (nothing on this computer can be read or written through it)",
            a.bind
        );
    }
    let shown = if a.bind.is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
    } else {
        addr
    };
    super::print(format!("detente serve: http://{shown}/ (Ctrl-C stops it)\n").as_bytes())?;
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, shared) = (Arc::clone(&server), Arc::clone(&shared));
            std::thread::spawn(move || {
                while let Ok(rq) = server.recv() {
                    handle(&shared, rq);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

/// A response: status, content type, body and an optional file name to save it as.
pub(crate) struct Reply {
    status: u16,
    kind: &'static str,
    body: Vec<u8>,
    file: Option<String>,
}

impl Reply {
    fn ok(kind: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            kind,
            body: body.into(),
            file: None,
        }
    }
    fn json(v: &serde_json::Value) -> Reply {
        Reply::ok("application/json", v.to_string())
    }
    /// A bad request, its message shown on the page.
    fn bad(status: u16, message: impl std::fmt::Display) -> Reply {
        Reply {
            status,
            kind: "application/json",
            body: serde_json::json!({ "error": message.to_string() })
                .to_string()
                .into_bytes(),
            file: None,
        }
    }
    fn saved_as(mut self, name: String) -> Reply {
        self.file = Some(name);
        self
    }
}

fn handle(shared: &Shared, rq: tiny_http::Request) {
    let url = rq.url().to_string();
    let reply = if url.len() > MAX_URL {
        Reply::bad(414, format!("the request is longer than {MAX_URL} bytes"))
    } else {
        let (path, query) = url.split_once('?').unwrap_or((&url, ""));
        let post = *rq.method() == tiny_http::Method::Post;
        if post != POSTS.contains(&path) || !(post || *rq.method() == tiny_http::Method::Get) {
            Reply::bad(
                405,
                "a game's moves are POST requests; everything else is GET",
            )
        } else if rq.body_length().unwrap_or(0) > MAX_BODY {
            Reply::bad(413, format!("a request body is at most {MAX_BODY} bytes"))
        } else {
            route(shared, path, &api::Query::parse(query))
        }
    };
    let mut resp = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    let mut headers = vec![
        ("Content-Type", format!("{}; charset=utf-8", reply.kind)),
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'".to_string(),
        ),
    ];
    if let Some(f) = reply.file {
        headers.push((
            "Content-Disposition",
            format!("attachment; filename=\"{f}\""),
        ));
    }
    for (k, v) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            resp.add_header(h);
        }
    }
    // A client that went away is no error of the server's.
    let _ = rq.respond(resp);
}

fn route(shared: &Shared, path: &str, q: &api::Query) -> Reply {
    let result = match path {
        "/" | "/index.html" => return Reply::ok("text/html", PAGE),
        "/health" => return Reply::ok("text/plain", "ok"),
        "/api/scenario" => Ok(Reply::json(&api::scenario(shared))),
        "/api/run" => api::run(shared, q).map(|v| Reply::json(&v)),
        "/api/replay" => api::replay(shared, q).map(|v| Reply::json(&v)),
        "/api/summary.csv" => api::summary_csv(shared, q)
            .map(|b| Reply::ok("text/csv", b).saved_as(api::file_name(shared, "summary.csv"))),
        "/api/report.html" => api::report(shared, q)
            .map(|b| Reply::ok("text/html", b).saved_as(api::file_name(shared, "report.html"))),
        "/api/game/new" => game::new(shared, q).map(|v| Reply::json(&v)),
        "/api/game/move" => game::play(shared, q).map(|v| Reply::json(&v)),
        "/api/game" => game::get(shared, q).map(|v| Reply::json(&v)),
        "/api/games" => game::all(shared).map(|v| Reply::json(&v)),
        "/api/games.csv" => game::all_csv(shared)
            .map(|b| Reply::ok("text/csv", b).saved_as(api::file_name(shared, "games.csv"))),
        "/api/game/log.csv" => game::log_csv(shared, q)
            .map(|b| Reply::ok("text/csv", b).saved_as(api::file_name(shared, "game.csv"))),
        _ => return Reply::bad(404, format!("no page at {path}")),
    };
    result.unwrap_or_else(|e| match e {
        api::Failure::Cancelled => Reply::bad(409, "cancelled by a newer request"),
        api::Failure::Bad(m) => Reply::bad(400, m),
        api::Failure::Failed(m) => Reply::bad(500, m),
    })
}
