//! report.html in a real browser: headless Chromium renders the page, every inline chart has a
//! non-zero size, and the screenshot is not blank. `.ci/run` installs Debian's chromium when it
//! is missing; where none was on the PATH when the tests were built, the test is reported as
//! ignored (build.rs sets `detente_no_chromium`), never as passed.

mod common;

#[path = "common/browser.rs"]
mod chrome;

use chrome::{chromium, headless};

#[test]
#[cfg_attr(
    detente_no_chromium,
    ignore = "no chromium on the PATH when the tests were built (apt-get install chromium)"
)]
fn the_report_renders_its_charts_in_chromium() {
    let bin = chromium()
        .expect("chromium was on the PATH when the tests were built, but does not run now");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    common::detente()
        .args(["run", "--runs", "200", "--seed", "5", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let report = out.join("report.html");

    // Measure every SVG as laid out: a copy of the page with a probe script (the report itself
    // has no scripts), read back from the rendered DOM.
    let html = std::fs::read_to_string(&report).unwrap();
    let probe = html.replace(
        "</body>",
        "<script>document.body.setAttribute('data-sizes',[...document.querySelectorAll('svg')]\
         .map(s=>{const r=s.getBoundingClientRect();return Math.round(r.width)+'x'+Math.round(r.height)}).join(','))</script></body>",
    );
    let probe_path = dir.path().join("probe.html");
    std::fs::write(&probe_path, probe).unwrap();
    let dom = headless(&bin, &dir.path().join("p1"))
        .arg("--dump-dom")
        .arg(format!("file://{}", probe_path.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    let sizes = dom
        .split("data-sizes=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("probe ran");
    let sizes: Vec<(u32, u32)> = sizes
        .split(',')
        .map(|s| {
            let (w, h) = s.split_once('x').unwrap();
            (w.parse().unwrap(), h.parse().unwrap())
        })
        .collect();
    assert!(sizes.len() >= 5, "{sizes:?}");
    assert!(
        sizes.iter().all(|&(w, h)| w > 300 && h > 200),
        "a chart rendered too small: {sizes:?}"
    );

    // A screenshot of the page itself: a blank page compresses to a few kilobytes.
    let png = dir.path().join("shot.png");
    let status = headless(&bin, &dir.path().join("p2"))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", report.display()))
        .output()
        .unwrap();
    assert!(status.status.success() || png.exists());
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    assert!(
        bytes.len() > 60_000,
        "screenshot looks blank ({} bytes)",
        bytes.len()
    );
}
