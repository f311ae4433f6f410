//! Headless Chromium for the browser tests: the command with the flags this network needs, and
//! a small Chrome DevTools protocol client (one page, JavaScript evaluated in it, the requests
//! it made) over a WebSocket.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

/// The first Chromium on the PATH that runs.
pub fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(|c| c.to_string())
}

/// Headless Chromium with a fresh profile and no background connections.
pub fn headless(bin: &str, profile: &std::path::Path) -> Command {
    let mut c = Command::new(bin);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// A page of a headless Chromium driven over the DevTools protocol.
pub struct Page {
    browser: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    session: String,
    next: u64,
    /// Every URL the page requested, in order.
    pub requests: Vec<String>,
}

impl Page {
    /// Start Chromium and open `url` in a page whose network requests are recorded.
    pub fn open(bin: &str, profile: &std::path::Path, url: &str) -> Page {
        let mut browser = headless(bin, profile)
            .args([
                "--remote-debugging-port=0",
                "--window-size=1280,900",
                "about:blank",
            ])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let stderr = browser.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let ws_url = loop {
            let line = lines
                .next()
                .expect("chromium printed its DevTools address")
                .unwrap();
            if let Some(at) = line.find("ws://") {
                break line[at..].trim().to_string();
            }
        };
        // Keep draining stderr so that Chromium never blocks on it.
        std::thread::spawn(move || for _ in lines {});
        let (ws, _) = tungstenite::connect(ws_url.as_str()).expect("DevTools connects");
        let mut page = Page {
            browser,
            ws,
            session: String::new(),
            next: 0,
            requests: Vec::new(),
        };
        let target = page.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
        let id = target["targetId"].as_str().unwrap().to_string();
        let s = page.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": id, "flatten": true }),
        );
        page.session = s["sessionId"].as_str().unwrap().to_string();
        let session = page.session.clone();
        page.call(Some(&session), "Network.enable", json!({}));
        page.call(Some(&session), "Page.enable", json!({}));
        page.call(Some(&session), "Page.navigate", json!({ "url": url }));
        page
    }

    /// Send a command and wait for its result, recording the requests announced meanwhile.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .expect("DevTools accepts a command");
        loop {
            let Message::Text(text) = self.ws.read().expect("DevTools answers") else {
                continue;
            };
            let v: Value = serde_json::from_str(text.as_str()).unwrap();
            if v["method"] == "Network.requestWillBeSent" {
                let url = v["params"]["request"]["url"].as_str().unwrap_or("");
                self.requests.push(url.to_string());
            }
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// Evaluate a JavaScript expression in the page (awaiting a promise): its value, or the
    /// exception it threw.
    fn try_eval(&mut self, expr: &str) -> Result<Value, Value> {
        let session = self.session.clone();
        let r = self.call(
            Some(&session),
            "Runtime.evaluate",
            json!({ "expression": expr, "awaitPromise": true, "returnByValue": true }),
        );
        match r.get("exceptionDetails") {
            Some(e) => Err(e.clone()),
            None => Ok(r["result"]["value"].clone()),
        }
    }

    /// Evaluate a JavaScript expression in the page (awaiting a promise) and return its value.
    pub fn eval(&mut self, expr: &str) -> Value {
        self.try_eval(expr)
            .unwrap_or_else(|e| panic!("{expr} threw: {e}"))
    }

    /// Wait until `expr` is true in the page (an expression that throws, on a page still
    /// loading, is not), or fail after `secs` seconds.
    pub fn wait_for(&mut self, expr: &str, secs: u64) {
        let start = Instant::now();
        while self.try_eval(&format!("Boolean({expr})")) != Ok(json!(true)) {
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "timed out waiting for {expr}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        let _ = self.browser.kill();
        let _ = self.browser.wait();
    }
}
