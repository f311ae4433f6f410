//! `detente serve`: the live page over HTTP (health, the page, the scenario and its levers, a
//! rerun, a replay, downloads, every bad request refused with a message) and in a real browser
//! (move a lever and see the answer change, step a run, download the results, and no request
//! leaving 127.0.0.1).

mod common;

#[path = "common/browser.rs"]
mod chrome;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A `detente serve` on a free port of 127.0.0.1, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("detente"))
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("detente serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let at = line.find("http://127.0.0.1:").expect("the URL is printed");
        let url = line[at..].split_whitespace().next().unwrap();
        Server {
            child,
            url: url.trim_end_matches('/').to_string(),
        }
    }

    /// A raw HTTP request: (status, headers, body).
    fn request(&self, method: &str, target: &str) -> (u16, String, Vec<u8>) {
        let addr = self.url.trim_start_matches("http://");
        let mut s = TcpStream::connect(addr).unwrap();
        write!(
            s,
            "{method} {target} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head, raw[split + 4..].to_vec())
    }

    fn get(&self, target: &str) -> (u16, String, Vec<u8>) {
        self.request("GET", target)
    }

    fn json(&self, target: &str) -> (u16, Value) {
        let (status, _, body) = self.get(target);
        (
            status,
            serde_json::from_slice(&body).expect("a JSON answer"),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_page_its_levers_and_a_rerun_answer_over_http() {
    let s = Server::start(&["--runs", "200"]);
    let (status, _, body) = s.get("/health");
    assert_eq!((status, body.as_slice()), (200, b"ok".as_slice()));
    let (status, head, page) = s.get("/");
    let page = String::from_utf8(page).unwrap();
    assert_eq!(status, 200);
    assert!(head.contains("text/html") && page.contains("<html"));
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "the page loads nothing from outside"
    );

    let (_, sc) = s.json("/api/scenario");
    assert_eq!(sc["name"], "korea-2019");
    let levers = sc["levers"].as_array().unwrap();
    assert!(levers.len() >= 5, "{levers:?}");
    assert!(
        levers
            .iter()
            .all(|l| l["doc"].as_str().is_some_and(|d| d.len() > 20))
    );

    let (status, base) = s.json("/api/run");
    assert_eq!(status, 200, "{base}");
    let (_, again) = s.json("/api/run");
    assert_eq!(base["answer"], again["answer"], "a rerun is reproducible");
    let (_, moved) = s.json("/api/run?actors.DPRK.prior_sincere=0.8");
    assert_ne!(base["answer"]["mean"], moved["answer"]["mean"]);
    assert!(base["charts"].as_array().unwrap().len() >= 4);
    assert_eq!(base["runs"], 200);
    assert_eq!(base["headline"]["arms"].as_array().unwrap().len(), 4);
}

#[test]
fn bad_requests_are_refused_with_what_would_be_valid() {
    let s = Server::start(&["--runs", "100"]);
    for (target, status, want) in [
        (
            "/api/run?actors.DPRK.prior_sincere=2",
            400,
            "expected a number from 0.05 to 0.95",
        ),
        ("/api/run?params.inclusion=abc", 400, "expected a number"),
        (
            "/api/run?experiment.seed=1",
            400,
            "is not a lever of this page",
        ),
        ("/api/run?runs=100000", 400, "from 1 to 100"),
        ("/api/replay?arm=nobody", 400, "unknown arm 'nobody'"),
        ("/api/replay?pick=peace", 400, "expected typical, agreement"),
        ("/nothing", 404, "no page at /nothing"),
    ] {
        let (got, body) = s.json(target);
        assert_eq!(got, status, "{target}: {body}");
        assert!(
            body["error"].as_str().is_some_and(|e| e.contains(want)),
            "{target}: {body}"
        );
    }
    assert_eq!(s.request("POST", "/api/run").0, 405);
    let long = format!("/api/run?x={}", "9".repeat(5000));
    assert_eq!(s.get(&long).0, 414);
    // The server still answers after all of that.
    assert_eq!(s.get("/health").0, 200);
}

#[test]
fn an_older_rerun_of_a_page_is_cancelled_by_a_newer_one() {
    let s = Server::start(&["--runs", "100"]);
    assert_eq!(s.get("/api/run?client=a&seq=2").0, 200);
    let (status, body) = s.json("/api/run?client=a&seq=1");
    assert_eq!(status, 409, "{body}");
    assert_eq!(s.get("/api/run?client=b&seq=1").0, 200);
}

#[test]
fn a_run_steps_month_by_month_and_results_download() {
    let s = Server::start(&["--runs", "100"]);
    let (status, r) = s.json("/api/replay?arm=incremental&pick=agreement");
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["outcome"], "agreement");
    let months = r["months"].as_array().unwrap();
    assert_eq!(months.len(), 121);
    let lines = |m: &Value, k: &str| m[k].as_array().unwrap().clone();
    assert!(months.iter().any(|m| !lines(m, "happened").is_empty()));
    assert!(months.iter().any(|m| !lines(m, "read").is_empty()));
    // Both sides' exact beliefs are probabilities, month by month, and they move.
    let belief = |m: &Value, i: usize| m["belief"][i].as_f64().unwrap();
    assert!(months.iter().all(|m| (0.0..=1.0).contains(&belief(m, 0))));
    assert_ne!(belief(&months[0], 0), belief(&months[120], 0));
    // What a side did and what the other read into it are told apart.
    for m in months {
        let read = lines(m, "read");
        assert!(
            lines(m, "happened").iter().all(|l| !read.contains(l)),
            "{m}"
        );
    }
    assert!(r["story"].as_str().unwrap().contains("Outcome: agreement"));
    let (_, by_number) = s.json(&format!("/api/replay?arm=incremental&run={}", r["run"]));
    assert_eq!(
        by_number["months"], r["months"],
        "a run number replays the same run"
    );

    let (status, head, csv) = s.get("/api/summary.csv?params.verification=1.2");
    assert_eq!(status, 200);
    assert!(head.contains("attachment; filename=\"korea-2019-summary.csv\""));
    assert!(csv.starts_with(b"arm,metric,n,mean,ci95_low,ci95_high"));
    let (status, _, html) = s.get("/api/report.html");
    assert_eq!(status, 200);
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("<svg") && html.contains("korea-2019"));
}

#[test]
fn a_student_plays_a_side_month_by_month_and_the_teacher_sees_the_game() {
    let s = Server::start(&["--runs", "100"]);
    let (status, g) = {
        let (st, _, body) = s.request(
            "POST",
            "/api/game/new?side=US&arm=incremental&run=3&name=Ann",
        );
        (st, serde_json::from_slice::<Value>(&body).unwrap())
    };
    assert_eq!(status, 200, "{g}");
    assert_eq!(
        (g["month"].as_u64(), g["side"].as_str()),
        (Some(0), Some("US"))
    );
    let id = g["id"].as_str().unwrap().to_string();
    let open: Vec<String> = g["open"]["make"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert!(open.contains(&"liaison_offices".to_string()), "{open:?}");
    assert!(
        g.get("end").is_none(),
        "the other side's type is hidden while playing"
    );
    let post = |target: &str| {
        let (st, _, body) = s.request("POST", target);
        (st, serde_json::from_slice::<Value>(&body).unwrap())
    };
    let (st, after) = post(&format!("/api/game/move?id={id}&make=liaison_offices"));
    assert_eq!(st, 200, "{after}");
    assert!(
        after["months"][0]["you"][0]
            .as_str()
            .unwrap()
            .contains("Open liaison offices")
    );
    // A step already in force is not open again; a move of the other side never is.
    let (st, e) = post(&format!("/api/game/move?id={id}&make=liaison_offices"));
    assert_eq!(st, 400);
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("not open to you this month")
    );
    let (st, _) = post(&format!("/api/game/move?id={id}&make=freeze_yongbyon"));
    assert_eq!(st, 400);
    for _ in 0..4 {
        assert_eq!(post(&format!("/api/game/move?id={id}")).0, 200);
    }
    let (_, now) = s.json(&format!("/api/game?id={id}"));
    assert_eq!(now["month"], 5);
    assert!(
        now["open"]["revoke"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "liaison_offices")
    );
    let (_, end) = post(&format!("/api/game/move?id={id}&finish=1"));
    assert_eq!(end["finished"], true);
    assert_eq!(end["end"]["under_each_arm"].as_array().unwrap().len(), 4);
    // The same run with the US playing each strategy korea-2019 declares, against the DPRK of
    // the action-for-action arm; the US's own arm strategy gives that arm's outcome.
    let by_strategy = end["end"]["under_each_strategy"].as_array().unwrap();
    assert!(by_strategy.len() >= 6, "{by_strategy:?}");
    let outcome_of = |list: &[Value], id: &str| {
        list.iter()
            .find(|x| x["arm"] == id)
            .map(|x| x["outcome"].clone())
    };
    assert_eq!(
        outcome_of(by_strategy, "incremental"),
        outcome_of(
            end["end"]["under_each_arm"].as_array().unwrap(),
            "incremental"
        )
    );
    assert!(
        end["end"]["their_type"].as_str().unwrap().contains("(S)")
            || end["end"]["their_type"].as_str().unwrap().contains("(G)")
    );
    assert_eq!(
        post(&format!("/api/game/move?id={id}")).0,
        400,
        "an ended game takes no moves"
    );
    let (_, head, log) = s.get(&format!("/api/game/log.csv?id={id}"));
    assert!(head.contains("filename=\"korea-2019-game.csv\""));
    let log = String::from_utf8(log).unwrap();
    assert!(log.starts_with(
        "month,you,they,your_trust,tension\n1,You make a step: Open liaison offices."
    ));
    let (_, all) = s.json("/api/games");
    let games = all["games"].as_array().unwrap();
    assert_eq!((games.len(), games[0]["name"].as_str()), (1, Some("Ann")));
    assert_eq!(games[0]["outcome"], end["end"]["outcome"]);
    let (_, _, table) = s.get("/api/games.csv");
    let table = String::from_utf8(table).unwrap();
    assert!(table.starts_with("id,name,side,against,run,month,finished,outcome,"));
    assert!(
        table
            .lines()
            .nth(1)
            .unwrap()
            .contains(",Ann,US,incremental,3,120,true,")
    );
    // A game's moves are POSTs; a GET of one is refused, and so is an unknown game.
    assert_eq!(s.get(&format!("/api/game/move?id={id}")).0, 405);
    assert_eq!(s.json("/api/game?id=nobody").0, 400);
}

#[test]
#[cfg_attr(
    detente_no_chromium,
    ignore = "no chromium on the PATH when the tests were built (apt-get install chromium)"
)]
fn a_class_moves_a_lever_steps_a_run_and_downloads_in_chromium() {
    let bin = chrome::chromium()
        .expect("chromium was on the PATH when the tests were built, but does not run now");
    let s = Server::start(&["--runs", "200"]);
    let dir = tempfile::tempdir().unwrap();
    let mut page = chrome::Page::open(&bin, dir.path(), &format!("{}/", s.url));
    page.wait_for("document.body.dataset.runs >= 1", 60);
    let before = page.eval("document.body.dataset.answer");
    assert!(before.as_str().is_some_and(|a| a.contains('[')), "{before}");

    // Move a lever: the page reruns, the answer changes and the address keeps the setting.
    page.eval(
        "(() => { const i = document.getElementById('lv-actors.DPRK.prior_sincere'); \
         i.value = 0.8; i.dispatchEvent(new Event('input')); })()",
    );
    page.wait_for("document.body.dataset.runs >= 2", 60);
    let after = page.eval("document.body.dataset.answer");
    assert_ne!(before, after);
    let search = page.eval("location.search");
    assert!(
        search.as_str().unwrap().contains("prior_sincere=0.8"),
        "{search}"
    );

    // Download the results at that setting.
    let csv = page.eval("fetch(document.getElementById('dl-summary').href).then(r => r.text())");
    assert!(csv.as_str().unwrap().starts_with("arm,metric,n,mean"));

    // Step through a run: three months.
    page.eval("document.getElementById('tab-replay').click()");
    page.wait_for("document.body.dataset.month === '0'", 60);
    for _ in 0..3 {
        page.eval("document.getElementById('r-step').click()");
    }
    page.wait_for("document.body.dataset.month === '3'", 10);
    let links = page.eval("document.querySelectorAll('#r-chart a[download]').length");
    assert_eq!(links, 1, "the run's chart downloads as SVG (and PNG)");
    let text = page.eval("document.getElementById('r-happened').textContent");
    assert!(!text.as_str().unwrap().is_empty());

    // Play five months of a game, making a step in the first, then finish it.
    page.eval("document.getElementById('tab-play').click()");
    page.eval("document.getElementById('g-name').value = 'Ann'; document.getElementById('g-start').click()");
    page.wait_for("document.body.dataset.gameMonth === '0'", 30);
    page.eval("document.querySelector('#g-open input[data-kind=make]').checked = true");
    for m in 1..=5 {
        page.eval("document.getElementById('g-play').click()");
        page.wait_for(&format!("document.body.dataset.gameMonth === '{m}'"), 30);
    }
    page.eval("document.getElementById('g-finish').click()");
    page.wait_for("document.body.dataset.gameFinished === 'true'", 30);
    let end = page.eval("document.getElementById('g-end').textContent");
    assert!(end.as_str().unwrap().contains("Outcome:"), "{end}");
    let log = page.eval("fetch(document.getElementById('g-log').href).then(r => r.text())");
    assert!(log.as_str().unwrap().starts_with("month,you,they"));
    page.eval("document.getElementById('tab-teacher').click()");
    page.wait_for("document.body.dataset.games === '1'", 30);

    let outside: Vec<&String> = page
        .requests
        .iter()
        .filter(|u| {
            !(u.starts_with(&s.url)
                || u.starts_with("data:")
                || u.starts_with("blob:")
                || u.starts_with("about:"))
        })
        .collect();
    assert!(outside.is_empty(), "requests left 127.0.0.1: {outside:?}");
    assert!(page.requests.iter().any(|u| u.contains("/api/run")));
}
