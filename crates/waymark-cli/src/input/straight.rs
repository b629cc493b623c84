//! A large case file read straight from the disk (see [`crate::page_cache`]).

use crate::page_cache::{Aligned, bypass, refused};
use std::fs::File;
use std::io::Read;

/// Bytes asked of the disk at a time: one huge page (see [`Aligned`]).
const PIECE: usize = 2 << 20;

/// Files smaller than this are read through the page cache as usual: the saving is small,
/// and a small file read again soon is then read from memory.
pub(crate) const LARGE: u64 = 64 << 20;

/// Reads a file in aligned pieces past the page cache, handing them out as asked. Where the
/// file system refuses, it reads through the cache from where it stands.
pub struct StraightFromDisk {
    file: File,
    piece: Aligned,
    /// The bytes of `piece` not handed out yet.
    start: usize,
    end: usize,
    straight: bool,
}

impl StraightFromDisk {
    pub fn new(file: File) -> std::io::Result<StraightFromDisk> {
        let piece = Aligned::zeroed(PIECE)?;
        let straight = bypass(&file, true).is_ok();
        Ok(StraightFromDisk {
            file,
            piece,
            start: 0,
            end: 0,
            straight,
        })
    }

    fn fill(&mut self) -> std::io::Result<()> {
        loop {
            match (&self.file).read(self.piece.as_mut_slice()) {
                Ok(got) => {
                    (self.start, self.end) = (0, got);
                    return Ok(());
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                // Refused (or the file grew after a short read, leaving the offset out of
                // line): the rest through the cache. A refused read reads nothing.
                Err(error) if self.straight && refused(&error) => {
                    bypass(&self.file, false)?;
                    self.straight = false;
                }
                Err(error) => return Err(error),
            }
        }
    }
}

impl Read for StraightFromDisk {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.start == self.end {
            self.fill()?;
        }
        let ready = self
            .piece
            .as_slice()
            .get(self.start..self.end)
            .unwrap_or_default();
        let count = ready.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..count), ready.get(..count)) {
            to.copy_from_slice(from);
        }
        self.start += count;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(mut reader: impl Read, step: usize) -> Vec<u8> {
        let mut all = Vec::new();
        let mut piece = vec![0; step];
        loop {
            match reader.read(&mut piece) {
                Ok(0) => return all,
                Ok(n) => all.extend_from_slice(&piece[..n]),
                Err(error) => panic!("read failed: {error}"),
            }
        }
    }

    /// Lengths that are and are not whole pieces and blocks, read in steps of odd sizes.
    #[test]
    fn gives_exactly_the_file() {
        let folder = tempfile::tempdir().unwrap();
        for length in [
            0,
            1,
            4095,
            4096,
            PIECE - 1,
            PIECE,
            PIECE + 7,
            3 * PIECE + 4097,
        ] {
            let path = folder.path().join(format!("cases-{length}"));
            let bytes: Vec<u8> = (0..length).map(|n| (n * 7 + n / 4096) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            for step in [1000, 65536, 3 * PIECE] {
                let reader = StraightFromDisk::new(File::open(&path).unwrap()).unwrap();
                assert!(
                    read_all(reader, step) == bytes,
                    "{length} bytes, steps of {step}"
                );
            }
        }
    }

    /// A file that grows after a short read leaves the offset out of line: the rest still
    /// comes, through the cache.
    #[test]
    fn a_file_that_grows_is_read_to_its_new_end() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("growing");
        std::fs::write(&path, b"first part\n").unwrap();
        let mut reader = StraightFromDisk::new(File::open(&path).unwrap()).unwrap();
        let mut seen = Vec::new();
        let mut piece = [0; 64];
        let n = reader.read(&mut piece).unwrap();
        seen.extend_from_slice(&piece[..n]);
        assert_eq!(reader.read(&mut piece).unwrap(), 0);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut file, b"second part\n").unwrap();
        seen.extend(read_all(reader, 5));
        assert_eq!(seen, b"first part\nsecond part\n");
    }
}
