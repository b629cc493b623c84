//! How a large output file reaches the disk.
//!
//! `-o FILE` syncs the file before renaming it into place, so its bytes go to the disk before
//! the command ends whatever happens. Through the page cache that costs the processor twice:
//! the kernel copies every byte into fresh cache pages, then writes them out. For a report of
//! a million cases (2.6 GB) that was 0.6-5 s of processor time, on the two cores that run the
//! cases. So whole chunks go straight to the disk (Linux's `O_DIRECT`), from a buffer aligned
//! as the disk requires, and only the last part of the file goes through the cache.
//!
//! Where the file system refuses (or elsewhere than Linux), the file is written through the
//! cache as before, and sent to disk while it is written ([`EarlySync`]).

use crate::page_cache::{Aligned, bypass, refused};
use std::fs::File;
use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// Bytes gathered before a write: large writes keep the disk busy with few calls.
const CHUNK: usize = 4 << 20;

/// Bytes written between two early syncs of a file written through the cache.
const SYNC_EVERY: u64 = 128 << 20;

/// A file's bytes on their way to the disk.
pub(super) struct Disk {
    /// Bytes not written yet.
    staged: Chunk,
    /// Writes the chunks, on a thread of its own once the first chunk is full (see
    /// [`Background`]); here when that thread could not be made, and for the last part.
    chunks: Chunks,
    background: Option<Background>,
    /// A thread was asked for (once).
    asked: bool,
}

/// Bytes to write, gathered in aligned memory (see [`Aligned`]).
struct Chunk {
    /// None until the first bytes come.
    memory: Option<Aligned>,
    filled: usize,
}

impl Chunk {
    fn new() -> std::io::Result<Chunk> {
        Ok(Chunk {
            memory: Some(Aligned::zeroed(CHUNK)?),
            filled: 0,
        })
    }

    /// No memory yet: made into a chunk when the first bytes come.
    fn none() -> Chunk {
        Chunk {
            memory: None,
            filled: 0,
        }
    }

    fn data(&self) -> &[u8] {
        let memory = self.memory.as_ref().map(Aligned::as_slice);
        memory
            .and_then(|all| all.get(..self.filled))
            .unwrap_or_default()
    }

    fn is_full(&self) -> bool {
        self.filled == CHUNK
    }

    /// Takes as much of `bytes` as there is room for; gives the rest.
    fn fill<'a>(&mut self, bytes: &'a [u8]) -> &'a [u8] {
        let Some(memory) = &mut self.memory else {
            return bytes;
        };
        let room = memory
            .as_mut_slice()
            .get_mut(self.filled..)
            .unwrap_or_default();
        let (now, later) = bytes.split_at(room.len().min(bytes.len()));
        if let Some(to) = room.get_mut(..now.len()) {
            to.copy_from_slice(now);
        }
        self.filled += now.len();
        later
    }

    fn empty(&mut self) {
        self.filled = 0;
    }
}

/// Writes whole chunks to a file, straight to the disk if the file system allows.
struct Chunks {
    straight: Straight,
    syncing: EarlySync,
}

/// Whether chunks go straight to the disk.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Straight {
    /// No chunk written yet: the first one asks the file system.
    NotAsked,
    Yes,
    /// Refused (or not Linux): through the cache.
    No,
}

/// The thread that writes chunks while the next one fills: the disk takes about five times
/// as long to write a chunk as the processor to fill one, and with both in turn the disk
/// stood idle a sixth of the time.
struct Background {
    full: SyncSender<Chunk>,
    emptied: Receiver<Chunk>,
    thread: JoinHandle<(Chunks, std::io::Result<()>)>,
}

impl Disk {
    pub(super) fn new() -> Disk {
        Disk::with_sync_every(SYNC_EVERY)
    }

    fn with_sync_every(every: u64) -> Disk {
        Disk {
            staged: Chunk::none(),
            chunks: Chunks {
                straight: Straight::NotAsked,
                syncing: EarlySync::new(every),
            },
            background: None,
            asked: false,
        }
    }

    /// Takes `bytes`, writing out each chunk as it fills.
    pub(super) fn write(&mut self, file: &File, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            if self.staged.memory.is_none() {
                self.staged = Chunk::new()?;
            }
            bytes = self.staged.fill(bytes);
            if self.staged.is_full() {
                self.write_out(file)?;
            }
        }
        Ok(())
    }

    /// Writes the last part (through the cache: its length is seldom a whole number of
    /// blocks) and waits for any early sync. The caller syncs the file.
    pub(super) fn finish(&mut self, file: &File) -> std::io::Result<()> {
        if let Some(background) = self.background.take() {
            drop(background.full);
            let (chunks, done) = background
                .thread
                .join()
                .map_err(|_| std::io::Error::other("writing to the disk stopped unexpectedly"))?;
            self.chunks = chunks;
            done?;
        }
        if self.chunks.straight == Straight::Yes {
            bypass(file, false)?;
            self.chunks.straight = Straight::No;
        }
        if !self.staged.data().is_empty() {
            self.chunks.write(file, self.staged.data())?;
        }
        self.chunks.syncing.finish()
    }

    /// Hands the full chunk to the background thread (made at the first chunk), or writes it
    /// here if there is none.
    fn write_out(&mut self, file: &File) -> std::io::Result<()> {
        if !std::mem::replace(&mut self.asked, true) {
            self.background = self.start_background(file);
        }
        let Some(background) = &self.background else {
            self.chunks.write(file, self.staged.data())?;
            self.staged.empty();
            return Ok(());
        };
        let full = std::mem::replace(&mut self.staged, Chunk::none());
        if background.full.send(full).is_err() {
            // The thread stopped on an error: `finish` reports it.
            return self.finish(file);
        }
        // The thread took the chunk only once it had written and given back the one before:
        // two chunks go round (fresh memory for each cost as much as the cache it avoids).
        self.staged = background
            .emptied
            .try_recv()
            .unwrap_or_else(|_| Chunk::none());
        Ok(())
    }

    fn start_background(&mut self, file: &File) -> Option<Background> {
        let file = file.try_clone().ok()?;
        let (full, to_write) = sync_channel::<Chunk>(0);
        let (give_back, emptied) = sync_channel::<Chunk>(2);
        let mut chunks = std::mem::replace(
            &mut self.chunks,
            Chunks {
                straight: Straight::No,
                syncing: EarlySync::new(SYNC_EVERY),
            },
        );
        let thread = std::thread::Builder::new()
            .name("disk".into())
            .spawn(move || {
                for mut chunk in to_write {
                    if let Err(error) = chunks.write(&file, chunk.data()) {
                        return (chunks, Err(error));
                    }
                    chunk.empty();
                    let _ = give_back.try_send(chunk);
                }
                (chunks, Ok(()))
            });
        match thread {
            Ok(thread) => Some(Background {
                full,
                emptied,
                thread,
            }),
            // A thread that cannot be made is no loss: the chunks are written here.
            Err(_) => None,
        }
    }
}

impl Chunks {
    /// Writes `chunk` from where the file stands, straight to the disk if the file system
    /// allows.
    fn write(&mut self, file: &File, chunk: &[u8]) -> std::io::Result<()> {
        if self.straight == Straight::NotAsked {
            self.straight = match bypass(file, true) {
                Ok(()) => Straight::Yes,
                Err(_) => Straight::No,
            };
        }
        let mut written = 0;
        while let Some(rest) = chunk.get(written..).filter(|rest| !rest.is_empty()) {
            match (&*file).write(rest) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => written += n,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                // Some file systems take the flag but refuse the write: the rest goes
                // through the cache, from where the file stands.
                Err(error) if self.straight == Straight::Yes && refused(&error) => {
                    bypass(file, false)?;
                    self.straight = Straight::No;
                }
                Err(error) => return Err(error),
            }
        }
        if self.straight == Straight::No {
            self.syncing.wrote(chunk.len(), file)?;
        }
        Ok(())
    }
}

/// Sends a large file's bytes to disk while it is still being written, on a thread of its own,
/// so the sync before the rename waits for the last part only. Without it a report of a
/// million cases (2.6 GB) waited seconds at the end for the disk, longer than the run itself.
struct EarlySync {
    /// Bytes written between two syncs ([`SYNC_EVERY`]; smaller in tests).
    every: u64,
    /// Bytes written since the last early sync began.
    unsynced: u64,
    running: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl EarlySync {
    fn new(every: u64) -> EarlySync {
        EarlySync {
            every,
            unsynced: 0,
            running: None,
        }
    }

    /// Notes `bytes` more written; starts a sync of what is written so far when enough has
    /// gathered and none is running. A failed sync is reported by the next call or by `finish`.
    fn wrote(&mut self, bytes: usize, file: &File) -> std::io::Result<()> {
        self.unsynced += bytes as u64;
        if self.unsynced < self.every {
            return Ok(());
        }
        if self
            .running
            .as_ref()
            .is_some_and(|sync| !sync.is_finished())
        {
            return Ok(());
        }
        self.finish()?;
        let copy = file.try_clone()?;
        self.unsynced = 0;
        // A thread that cannot be made is no loss: the sync before the rename does it all.
        self.running = std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || copy.sync_data())
            .ok();
        Ok(())
    }

    /// Waits for the sync running, if any, and gives its result.
    fn finish(&mut self) -> std::io::Result<()> {
        match self.running.take().map(std::thread::JoinHandle::join) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(error))) => Err(error),
            Some(Err(_)) => Err(std::io::Error::other("the disk sync stopped unexpectedly")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!("waymark-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        folder
    }

    /// Text of `length` bytes that shows where each byte came from.
    fn text(length: usize) -> Vec<u8> {
        (0..length)
            .map(|i| b"0123456789abcdefghi\n"[i % 20])
            .collect()
    }

    #[test]
    fn a_file_written_in_pieces_of_any_size_holds_exactly_its_bytes() {
        let folder = scratch("disk");
        let whole = text(2 * CHUNK + 12_345);
        for piece in [7, 4095, 4096, 300_001, CHUNK, CHUNK + 1, 3 * CHUNK] {
            let path = folder.join(format!("out-{piece}"));
            let file = File::create(&path).unwrap();
            let mut disk = Disk::new();
            for part in whole.chunks(piece) {
                disk.write(&file, part).unwrap();
            }
            disk.finish(&file).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), whole, "pieces of {piece}");
        }
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn chunks_go_straight_to_the_disk_where_the_file_system_allows() {
        let folder = scratch("disk-straight");
        let path = folder.join("out");
        let file = File::create(&path).unwrap();
        let mut disk = Disk::new();
        disk.write(&file, &text(CHUNK + 10)).unwrap();
        disk.finish(&file).unwrap();
        // Either way, the file is whole and the flag is off again at the end.
        assert_ne!(
            disk.chunks.straight,
            Straight::NotAsked,
            "the first chunk asked"
        );
        let flags = rustix::fs::fcntl_getfl(&file).unwrap();
        assert!(!flags.contains(rustix::fs::OFlags::DIRECT));
        assert_eq!(std::fs::read(&path).unwrap(), text(CHUNK + 10));
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn a_file_written_through_the_cache_is_synced_while_it_is_written() {
        let folder = scratch("early-sync");
        let file = File::create(folder.join("big")).unwrap();
        let mut syncing = EarlySync::new(100);
        syncing.wrote(60, &file).unwrap();
        assert!(syncing.running.is_none(), "too little written to sync yet");
        syncing.wrote(60, &file).unwrap();
        assert!(syncing.running.is_some(), "a sync began");
        assert_eq!(syncing.unsynced, 0);
        syncing.finish().unwrap();
        assert!(syncing.running.is_none());
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn a_refused_write_is_told_apart_from_a_failed_one() {
        assert!(refused(&std::io::Error::from_raw_os_error(22)));
        assert!(
            !refused(&std::io::Error::from_raw_os_error(28)),
            "a full disk fails"
        );
    }
}
