//! `waymark serve`: the page's server answers on 127.0.0.1 only, and a headless Chromium
//! (Debian's `chromium`, driven by `tests/preview/drive.mjs` with puppeteer-core; both installed
//! by `tests/run-all`) sees the chart and diagnostics, a redraw after the file is saved, a
//! step's rules, and a due date from the try-a-case panel.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `waymark serve`, stopped when dropped.
struct Serving {
    child: Child,
    port: u16,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(procedure: &Path) -> Serving {
    serve_with(&[procedure.to_str().unwrap()])
}

fn serve_with(args: &[&str]) -> Serving {
    let mut child = Command::new(env!("CARGO_BIN_EXE_waymark"))
        .arg("serve")
        .args(args)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Serving { child, port }
}

/// A copy of the assessment (and the Section 47 procedure it uses) with an unused role, so
/// the page has a warning to show.
fn assessment_copy(name: &str) -> PathBuf {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("preview-{name}"));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy("procedures/section47.wm", folder.join("section47.wm")).unwrap();
    let text = std::fs::read_to_string("procedures/assessment.wm").unwrap();
    let text = text.replacen(
        "role front_door",
        "role unused_role \"Nobody\"\nrole front_door",
        1,
    );
    let path = folder.join("assessment.wm");
    std::fs::write(&path, text).unwrap();
    path
}

/// One request; the response's status line and body.
fn request(port: u16, host: &str, method: &str, path: &str, body: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

#[test]
fn the_server_answers_this_machine_only_and_runs_trial_cases() {
    let serving = serve(&assessment_copy("http"));
    let port = serving.port;
    let local = format!("127.0.0.1:{port}");
    let (status, page) = request(port, &local, "GET", "/", "");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains("<script src=\"/app.js\">"), "{page}");
    // HEAD: the same status, no body.
    let (status, body) = request(port, &local, "HEAD", "/", "");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.is_empty(), "{body}");
    let (status, _) = request(port, &local, "DELETE", "/", "");
    assert_eq!(status, "HTTP/1.1 405 Method Not Allowed");
    let (status, _) = request(
        port,
        &format!("attacker.example:{port}"),
        "GET",
        "/state",
        "",
    );
    assert_eq!(status, "HTTP/1.1 403 Forbidden");
    let (_, state) = request(port, &local, "GET", "/state", "");
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert!(state["page"]["svg"].as_str().unwrap().starts_with("<?xml"));
    assert_eq!(state["page"]["diagnostics"][0]["code"], "WM0311");
    let trial = r#"{"start_on":"2025-12-24","as_of":"2026-01-02","facts":{"threshold":"level3"},"records":""}"#;
    let (_, answer) = request(port, &local, "POST", "/try", trial);
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let visit = answer["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["step"] == "initial_visit")
        .unwrap();
    assert_eq!(visit["due"], "2026-01-05");
    let bad = r#"{"start_on":"2025-12-24","as_of":"2026-01-02","facts":{"threshold":"level9"}}"#;
    let (_, answer) = request(port, &local, "POST", "/try", bad);
    assert!(
        answer.contains("\"ok\":false") && answer.contains("level9"),
        "{answer}"
    );
}

#[test]
fn headless_chromium_sees_the_page_redraw_and_a_trial_due_date() {
    let driver = Path::new("tests/preview/node_modules/puppeteer-core");
    assert!(
        driver.is_dir() && Path::new("/usr/bin/chromium").exists()
            || std::env::var_os("WAYMARK_CHROMIUM").is_some(),
        "needs Debian's chromium and puppeteer-core in tests/preview: run ./tests/run-all"
    );
    let procedure = assessment_copy("chromium");
    let serving = serve(&procedure);
    let screenshot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("preview.png");
    let _ = std::fs::remove_file(&screenshot);
    let output = Command::new("node")
        .arg("tests/preview/drive.mjs")
        .arg(format!("http://127.0.0.1:{}/", serving.port))
        .arg(&procedure)
        .arg(&screenshot)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // `cargo test -- --nocapture` shows each check, and how soon the page redrew.
    println!("{said}");
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("ok: the page changed without a reload"),
        "{said}"
    );
    assert!(said.contains("is due 2026-01-05"), "{said}");
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "{said}");
}

#[test]
fn compare_shows_the_coloured_chart_and_the_diff_beside() {
    let serving = serve_with(&[
        "examples/assessment-amendment-draft.wm",
        "--compare",
        "procedures/assessment.wm",
    ]);
    let local = format!("127.0.0.1:{}", serving.port);
    let (_, state) = request(serving.port, &local, "GET", "/state", "");
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    let page = &state["page"];
    assert_eq!(page["compare"]["old"], "procedures/assessment.wm");
    let diff = page["compare"]["diff"].as_str().unwrap();
    assert!(
        diff.contains("was: due 5 working days after referral"),
        "{diff}"
    );
    assert!(
        page["svg"]
            .as_str()
            .unwrap()
            .contains("Compared with version 2025-12")
    );
}

#[test]
fn a_procedure_with_errors_shows_its_diagnostics_and_no_chart() {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("preview-errors");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("broken.wm");
    std::fs::write(
        &path,
        "procedure broken \"Broken\"\nstart first\nstep first \"First\"\n  untimed \"x\"\n  then nowhere\n",
    )
    .unwrap();
    let serving = serve(&path);
    let local = format!("127.0.0.1:{}", serving.port);
    let (_, state) = request(serving.port, &local, "GET", "/state", "");
    let state: serde_json::Value = serde_json::from_str(&state).unwrap();
    assert!(state["page"]["svg"].is_null(), "{state}");
    assert_eq!(state["page"]["diagnostics"][0]["code"], "WM0201");
    let trial = r#"{"start_on":"2026-01-05","as_of":"2026-01-06","facts":{}}"#;
    let (_, answer) = request(serving.port, &local, "POST", "/try", trial);
    assert!(answer.contains("the procedure has errors"), "{answer}");
}

#[test]
fn ctrl_c_stops_the_server() {
    let mut serving = serve(&assessment_copy("ctrl-c"));
    let pid = serving.child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let status = serving.child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(TcpStream::connect(("127.0.0.1", serving.port)).is_err());
}
