//! A small HTTP/1.1 server for one local page: a thread per connection, each request answered
//! and the connection closed (the event stream stays open). Only the loopback address is
//! bound, and a request naming any other host is refused, so a web page elsewhere cannot reach
//! the preview through a DNS name that points at this machine.

use crate::{Live, try_case};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;
use waymark_calendar::{builtin, default_calendar};
use waymark_run::Plan;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// The most a request's head or body may hold: the page sends a few hundred bytes.
const MOST_REQUEST_BYTES: usize = 64 * 1024;
/// How often the event stream says it is still there when nothing changes.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The preview's server, bound to 127.0.0.1.
pub struct Server {
    listener: TcpListener,
    live: Arc<Live>,
    port: u16,
}

impl Server {
    /// Binds 127.0.0.1 on `port` (0: any free port).
    pub fn bind(port: u16, live: Arc<Live>) -> std::io::Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let port = listener.local_addr()?.port();
        Ok(Server {
            listener,
            live,
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Answers connections until the process ends.
    pub fn run(self) {
        for stream in self.listener.incoming().flatten() {
            let live = Arc::clone(&self.live);
            let port = self.port;
            std::thread::spawn(move || answer(stream, &live, port));
        }
    }
}

/// Whether a `Host` header names this machine's loopback address on our port.
pub fn is_loopback_host(host: &str, port: u16) -> bool {
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host.eq_ignore_ascii_case(&format!("{name}:{port}")))
}

struct Request {
    method: String,
    path: String,
    host: String,
    body: Vec<u8>,
}

fn answer(stream: TcpStream, live: &Live, port: u16) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(writer) = stream.try_clone() else {
        return;
    };
    let mut reply = Reply {
        stream: writer,
        head_only: false,
    };
    let request = match read_request(stream) {
        Some(request) => request,
        None => {
            let _ = reply.send("400 Bad Request", "text/plain", b"bad request");
            return;
        }
    };
    if !is_loopback_host(&request.host, port) {
        let _ = reply.send("403 Forbidden", "text/plain", b"not this host");
        return;
    }
    // HEAD is GET without the body (link checkers and `curl -I` ask it).
    reply.head_only = request.method == "HEAD";
    let method = if reply.head_only {
        "GET"
    } else {
        request.method.as_str()
    };
    let path = request.path.split('?').next().unwrap_or("");
    let _ = match (method, path) {
        ("GET", "/") => reply.send("200 OK", "text/html; charset=utf-8", INDEX_HTML.as_bytes()),
        ("GET", "/app.js") => reply.send(
            "200 OK",
            "text/javascript; charset=utf-8",
            APP_JS.as_bytes(),
        ),
        ("GET", "/style.css") => {
            reply.send("200 OK", "text/css; charset=utf-8", STYLE_CSS.as_bytes())
        }
        ("GET", "/state") => state(&mut reply, live),
        ("GET", "/events") => events(&mut reply, live),
        ("POST", "/try") => trial(&mut reply, live, &request.body),
        ("GET" | "POST", _) => reply.send("404 Not Found", "text/plain", b"not found"),
        _ => reply.send("405 Method Not Allowed", "text/plain", b"GET, HEAD or POST"),
    };
}

/// Where an answer goes. For a HEAD request only its head is sent: the same headers, with the
/// length the body would have had.
struct Reply {
    stream: TcpStream,
    head_only: bool,
}

impl Reply {
    fn send(&mut self, status: &str, kind: &str, body: &[u8]) -> std::io::Result<()> {
        // A 405 says which methods the server answers, as HTTP asks.
        let allow = match status.starts_with("405") {
            true => "Allow: GET, HEAD, POST\r\n",
            false => "",
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{allow}{}Connection: close\r\n\r\n",
            body.len(),
            SAFETY_HEADERS
        );
        self.stream.write_all(head.as_bytes())?;
        if !self.head_only {
            self.stream.write_all(body)?;
        }
        self.stream.flush()
    }
}

fn read_request(stream: TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.take(MOST_REQUEST_BYTES as u64 * 2));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut words = line.split_whitespace();
    let (method, path) = (words.next()?.to_string(), words.next()?.to_string());
    let (mut host, mut length) = (String::new(), 0usize);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "host" => host = value.trim().to_string(),
            "content-length" => length = value.trim().parse().ok()?,
            _ => {}
        }
    }
    if length > MOST_REQUEST_BYTES {
        return None;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        host,
        body,
    })
}

/// The page loads nothing from anywhere but this server, and nothing is cached.
const SAFETY_HEADERS: &str = "Cache-Control: no-store\r\n\
    X-Content-Type-Options: nosniff\r\n\
    Referrer-Policy: no-referrer\r\n\
    Content-Security-Policy: default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'\r\n";

/// `{"version": N, "page": {...}}`: the newest snapshot.
fn state(reply: &mut Reply, live: &Live) -> std::io::Result<()> {
    let body = match live.now() {
        Some((version, snapshot)) => {
            format!("{{\"version\":{version},\"page\":{}}}", snapshot.page)
        }
        None => "{}".to_string(),
    };
    reply.send("200 OK", "application/json", body.as_bytes())
}

/// Server-sent events: the number of each new snapshot as it is published, so the page
/// fetches `/state` and redraws without a reload. Ends when the page goes away.
fn events(reply: &mut Reply, live: &Live) -> std::io::Result<()> {
    let writer = &mut reply.stream;
    let _ = writer.set_read_timeout(None);
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n{SAFETY_HEADERS}Connection: keep-alive\r\n\r\n"
    );
    writer.write_all(head.as_bytes())?;
    if reply.head_only {
        return writer.flush();
    }
    let mut seen = live.now().map_or(0, |(version, _)| version);
    writer.write_all(format!("event: version\ndata: {seen}\n\n").as_bytes())?;
    writer.flush()?;
    loop {
        match live.newer_than(seen, KEEPALIVE) {
            Some(version) => {
                seen = version;
                writer.write_all(format!("event: version\ndata: {version}\n\n").as_bytes())?;
            }
            None => writer.write_all(b": still here\n\n")?,
        }
        writer.flush()?;
    }
}

/// The try-a-case panel's request, run against the newest procedure that compiled.
fn trial(reply: &mut Reply, live: &Live, body: &[u8]) -> std::io::Result<()> {
    let request = String::from_utf8_lossy(body);
    let answer = match live.now() {
        Some((_, snapshot)) => match &snapshot.procedure {
            Some(procedure) => {
                let calendar = builtin(&procedure.calendar).unwrap_or(default_calendar());
                let plan = Plan::new(procedure, calendar);
                try_case(&plan, &snapshot.sources, &request)
            }
            None => r#"{"ok":false,"problems":["the procedure has errors, so no case can be run: fix them first"]}"#.to_string(),
        },
        None => r#"{"ok":false,"problems":["nothing loaded yet"]}"#.to_string(),
    };
    reply.send("200 OK", "application/json", answer.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn only_this_machine_is_a_host() {
        assert!(is_loopback_host("127.0.0.1:8123", 8123));
        assert!(is_loopback_host("localhost:8123", 8123));
        assert!(!is_loopback_host("evil.example:8123", 8123));
        assert!(!is_loopback_host("127.0.0.1:80", 8123));
    }
}
