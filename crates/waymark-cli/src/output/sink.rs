//! Where a long report goes as it is made: standard output, or `-o FILE` written whole or not
//! at all (a run that stops early drops the file, which removes its temporary copy).

use super::{WholeFile, cannot_write};
use crate::exit::Failure;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The output buffer: small writes (a header, the summary) are gathered; the parts of a
/// block, far larger, go straight through without being copied.
const BUFFER: usize = 64 << 10;

pub enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    File(BufWriter<WholeFile>),
}

impl Sink {
    pub fn open(output: Option<&str>) -> Result<Sink, Failure> {
        Ok(match output {
            None => Sink::Stdout(BufWriter::with_capacity(BUFFER, std::io::stdout())),
            Some(path) => {
                let file = WholeFile::create(Path::new(path)).map_err(Failure::usage)?;
                Sink::File(BufWriter::with_capacity(BUFFER, file))
            }
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        match self {
            Sink::Stdout(writer) => writer.write_all(bytes).map_err(stdout_failed),
            Sink::File(writer) => {
                let written = writer.write_all(bytes);
                written.map_err(|error| file_failed(writer.get_ref().path(), &error))
            }
        }
    }

    /// Flushes standard output, or syncs the file and puts it in place.
    pub fn finish(self) -> Result<(), Failure> {
        match self {
            Sink::Stdout(mut writer) => writer.flush().map_err(stdout_failed),
            Sink::File(writer) => {
                let file = writer.into_inner().map_err(|error| {
                    let (error, writer) = error.into_parts();
                    file_failed(writer.get_ref().path(), &error)
                })?;
                file.commit().map_err(Failure::usage)
            }
        }
    }
}

/// Standard output closed by the program reading it (`| head`) is no failure: it has what it
/// wanted.
pub fn stdout_failed(error: std::io::Error) -> Failure {
    match error.kind() {
        std::io::ErrorKind::BrokenPipe => Failure::quiet(),
        _ => Failure::usage(format!("cannot write the output: {error}")),
    }
}

fn file_failed(path: &Path, error: &std::io::Error) -> Failure {
    match error.kind() {
        std::io::ErrorKind::BrokenPipe => Failure::quiet(),
        _ => Failure::usage(cannot_write(path, error)),
    }
}
