//! The Waymark language server (`waymark lsp`): diagnostics, hover, navigation, completion, rename and formatting.
//!
//! It speaks the Language Server Protocol: `waymark check`'s diagnostics as you type, hover, go
//! to definition, references, completion, rename, an outline and formatting.
//!
//! The server runs the same pipeline as `waymark check` (`waymark_check::check_text`), with the
//! files `use` lines name taken from the editor's unsaved buffers before the disk. It does no
//! IO itself: the CLI (`waymark lsp`) gives it the streams to [`connect`] over (standard input
//! and output), a [`Disk`] to read files from, and today's date for example due dates.

mod analysis;
mod complete;
mod hover;
mod navigate;
mod server;
mod symbols;
mod text;
mod transport;

pub use analysis::Disk;
use chrono::NaiveDate;
use lsp_server::{Connection, ErrorCode, Message, Notification, Response};
use lsp_types::{
    CompletionOptions, HoverProviderCapability, OneOf, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind,
};
use std::panic::{AssertUnwindSafe, catch_unwind};
pub use transport::{MAX_MESSAGE_BYTES, Transport, connect};

/// What the server can do, as told to the client at `initialize`.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".to_string()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves one client until it sends `shutdown` and `exit` (or goes away).
pub fn serve(connection: &Connection, disk: Box<dyn Disk>, today: NaiveDate) -> Result<(), String> {
    let capabilities = serde_json::to_value(capabilities()).map_err(|error| error.to_string())?;
    let (id, _params) = connection
        .initialize_start()
        .map_err(|error| error.to_string())?;
    let answer = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "waymark", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, answer)
        .map_err(|error| error.to_string())?;
    let mut server = server::Server::new(disk, today);
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|error| error.to_string())?
                {
                    return Ok(());
                }
                let id = request.id.clone();
                if !server::REQUESTS.contains(&request.method.as_str()) {
                    let message = format!("`{}` is not supported", request.method);
                    let response = Response::new_err(id, ErrorCode::MethodNotFound as i32, message);
                    send(connection, Message::Response(response))?;
                    continue;
                }
                let response = match guarded(|| server.request(&request.method, request.params)) {
                    Ok(Ok(value)) => Response::new_ok(id, value),
                    Ok(Err(message)) => {
                        Response::new_err(id, ErrorCode::InvalidParams as i32, message)
                    }
                    Err(message) => Response::new_err(id, ErrorCode::InternalError as i32, message),
                };
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                let method = notification.method.clone();
                let sent = guarded(|| server.notify(&method, notification.params));
                if let Ok(Ok(notifications)) = sent {
                    for (method, params) in notifications {
                        send(
                            connection,
                            Message::Notification(Notification::new(method, params)),
                        )?;
                    }
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection
        .sender
        .send(message)
        .map_err(|error| error.to_string())
}

/// The last line of defence: the handlers are written not to panic (no unwrap, no indexing),
/// but a bug in one request must never end the editor's session, so a panic becomes an error
/// answer to that request and the server carries on.
fn guarded<T>(handler: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(handler))
        .map_err(|_| "internal error in the Waymark language server; please report it".to_string())
}
