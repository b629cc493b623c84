//! The connection to the editor: messages framed by a `Content-Length` header over two byte
//! streams (the CLI gives standard input and output), read with a cap on their size.
//!
//! `lsp_server`'s own reader makes a buffer of whatever size the header claims before reading
//! the body, so `Content-Length: 2000000000` with a two-byte body took 2 GB. This reader refuses
//! a message over [`MAX_MESSAGE_BYTES`] before reading it, and grows its buffer only as bytes
//! arrive, so a header that lies about a short body costs no more than the body.

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use lsp_server::{Connection, Message, Notification};
use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;

/// The largest message read: 64 MiB. The editor sends the whole document with every change
/// (full synchronisation), and `waymark check` refuses a file of more than 64 MiB (a procedure
/// of 10,000 steps is about 2 MB), so a larger message is never a Waymark file being edited:
/// it is a broken or hostile client, and the connection is closed rather than the memory spent.
pub const MAX_MESSAGE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest header line read (`Content-Length: 12345` is 22 bytes), so a line that never
/// ends cannot grow without bound either.
const MAX_HEADER_LINE: u64 = 4096;

/// Reads one message; `None` at the end of the stream between messages. An error is a
/// message that cannot be read (too large, malformed, cut short): the stream cannot be trusted
/// to be at a message's start after it, so the caller closes the connection.
pub fn read_message(input: &mut impl BufRead) -> io::Result<Option<Message>> {
    let Some(length) = read_headers(input)? else {
        return Ok(None);
    };
    if length > MAX_MESSAGE_BYTES {
        return Err(invalid(format!(
            "a message of {length} bytes (its Content-Length) is more than the {} MiB the Waymark \
             language server reads, so the connection is closed",
            MAX_MESSAGE_BYTES >> 20
        )));
    }
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!(
                "the stream ended {} bytes into a message of {length} bytes",
                body.len()
            ),
        ));
    }
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|error| invalid(format!("a message is not a JSON-RPC message: {error}")))
}

/// The `Content-Length` of the headers before a message, or `None` at the end of the stream.
fn read_headers(input: &mut impl BufRead) -> io::Result<Option<u64>> {
    let mut length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        input.take(MAX_HEADER_LINE).read_until(b'\n', &mut line)?;
        if line.is_empty() && first {
            return Ok(None);
        }
        first = false;
        let Some(line) = line.strip_suffix(b"\r\n") else {
            return Err(invalid(format!(
                "a header line is not ended by CRLF within {MAX_HEADER_LINE} bytes"
            )));
        };
        if line.is_empty() {
            break;
        }
        let line = String::from_utf8_lossy(line);
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid(format!("a header is not `Name: value`: {line:?}")));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let value = value.trim();
            let parsed = value
                .parse::<u64>()
                .map_err(|_| invalid(format!("Content-Length `{value}` is not a number")))?;
            length = Some(parsed);
        }
    }
    length
        .map(Some)
        .ok_or_else(|| invalid("a message has no Content-Length header".to_string()))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// The threads that read and write the streams.
pub struct Transport {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl Transport {
    /// Waits for both threads; why the connection broke, if it did (the reader's reason first:
    /// a message refused is why the writer stopped too).
    pub fn join(self) -> Result<(), String> {
        let joined = |thread: JoinHandle<io::Result<()>>| match thread.join() {
            Ok(result) => result.map_err(|error| error.to_string()),
            Err(_) => Err("a connection thread stopped unexpectedly".to_string()),
        };
        let read = joined(self.reader);
        let written = joined(self.writer);
        read.and(written)
    }
}

/// A connection over `input` and `output`: a thread reads messages into the connection's
/// receiver, and another writes what is sent on its sender.
pub fn connect<R, W>(input: R, output: W) -> Result<(Connection, Transport), String>
where
    R: BufRead + Send + 'static,
    W: Write + Send + 'static,
{
    let (to_writer, for_writer) = unbounded::<Message>();
    let (to_server, for_server) = bounded::<Message>(0);
    let writer = spawn("waymark-lsp-writer", move || write_all(output, &for_writer))?;
    let notices = to_writer.clone();
    let reader = spawn("waymark-lsp-reader", move || {
        read_all(input, &to_server, &notices)
    })?;
    let connection = Connection {
        sender: to_writer,
        receiver: for_server,
    };
    Ok((connection, Transport { reader, writer }))
}

fn spawn(
    name: &str,
    work: impl FnOnce() -> io::Result<()> + Send + 'static,
) -> Result<JoinHandle<io::Result<()>>, String> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(work)
        .map_err(|error| format!("cannot start the language server's {name} thread: {error}"))
}

fn write_all(mut output: impl Write, messages: &Receiver<Message>) -> io::Result<()> {
    for message in messages {
        message.write(&mut output)?;
    }
    Ok(())
}

/// Passes messages to the server until `exit`, the end of the stream, or a message that
/// cannot be read: that one is told to the editor (as `window/showMessage`, which editors
/// show the user) before the connection closes.
fn read_all(
    mut input: impl BufRead,
    server: &Sender<Message>,
    editor: &Sender<Message>,
) -> io::Result<()> {
    loop {
        let message = match read_message(&mut input) {
            Ok(Some(message)) => message,
            Ok(None) => return Ok(()),
            Err(error) => {
                let params = serde_json::json!({ "type": 1, "message": error.to_string() });
                let notice = Notification::new("window/showMessage".to_string(), params);
                let _ = editor.send(Message::Notification(notice));
                return Err(error);
            }
        };
        let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if server.send(message).is_err() || exit {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> io::Result<Option<Message>> {
        read_message(&mut io::Cursor::new(bytes.to_vec()))
    }

    #[test]
    fn a_huge_content_length_is_refused_before_anything_is_allocated() {
        // `lsp_server`'s reader made a 2 GB buffer for this, then failed on the short body.
        let error = read(b"Content-Length: 2000000000\r\n\r\n{}").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            error.to_string(),
            "a message of 2000000000 bytes (its Content-Length) is more than the 64 MiB the \
             Waymark language server reads, so the connection is closed"
        );
        let over = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_BYTES + 1);
        assert!(read(over.as_bytes()).is_err());
    }

    #[test]
    fn a_body_shorter_than_its_length_is_an_error_not_a_wait_or_a_big_buffer() {
        let error = read(b"Content-Length: 60000000\r\n\r\n{}").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        assert!(
            error
                .to_string()
                .contains("2 bytes into a message of 60000000")
        );
    }

    #[test]
    fn reads_messages_one_after_another() {
        let body = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let two = format!(
            "Content-Length: {0}\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{body}content-length:{0}\r\n\r\n{body}",
            body.len()
        );
        let mut input = io::Cursor::new(two.into_bytes());
        for _ in 0..2 {
            match read_message(&mut input).unwrap() {
                Some(Message::Notification(n)) => assert_eq!(n.method, "initialized"),
                other => panic!("{other:?}"),
            }
        }
        assert!(read_message(&mut input).unwrap().is_none());
    }

    #[test]
    fn malformed_headers_are_errors() {
        assert!(read(b"Content-Length: x\r\n\r\n").is_err());
        assert!(read(b"Content-Type: a\r\n\r\n{}").is_err());
        assert!(read(b"Content-Length: 2\n\n{}").is_err());
        let endless = vec![b'9'; 10_000];
        assert!(read(&endless).is_err());
    }
}
