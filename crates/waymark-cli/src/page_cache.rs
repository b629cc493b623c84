//! Reading and writing large files past the kernel's page cache (Linux's `O_DIRECT`).
//!
//! A caseload's files are read or written once, start to end. Through the page cache, the
//! kernel copies every byte between the cache and the program, which for a million cases
//! cost the two cores that run them more than a tenth of their time. Straight from and to the
//! disk, the disk's controller moves the bytes. The price: memory address, length and file
//! offset of each read or write must be multiples of the disk's block size ([`ALIGN`]), so
//! the bytes go through an aligned buffer ([`Aligned`]).

use std::fs::File;

/// The disk's block size is 512 or 4096 bytes: 4096 suits both.
pub(crate) const ALIGN: usize = 4096;

/// A buffer of `size` bytes (zeroed) at an address that is a multiple of [`ALIGN`], made once
/// and never grown, so the address stays put.
pub(crate) struct Aligned {
    bytes: Vec<u8>,
    pad: usize,
}

impl Aligned {
    pub(crate) fn zeroed(size: usize) -> Aligned {
        let (mut bytes, pad) = aligned_room(size);
        bytes.resize(pad + size, 0);
        Aligned { bytes, pad }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(self.pad..).unwrap_or_default()
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        self.bytes.get_mut(self.pad..).unwrap_or_default()
    }
}

/// An empty buffer with room for `size` bytes after `pad` zeroes, which put them at an
/// aligned address. Memory is only touched as it is filled.
pub(crate) fn aligned_room(size: usize) -> (Vec<u8>, usize) {
    let mut bytes = Vec::with_capacity(size + ALIGN);
    let pad = (ALIGN - bytes.as_ptr() as usize % ALIGN) % ALIGN;
    bytes.resize(pad, 0);
    (bytes, pad)
}

/// Turns reading and writing past the page cache on or off for an open file.
#[cfg(target_os = "linux")]
pub(crate) fn bypass(file: &File, on: bool) -> std::io::Result<()> {
    use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
    let flags = fcntl_getfl(file)?;
    let flags = match on {
        true => flags | OFlags::DIRECT,
        false => flags - OFlags::DIRECT,
    };
    fcntl_setfl(file, flags)?;
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn bypass(_file: &File, on: bool) -> std::io::Result<()> {
    match on {
        true => Err(std::io::ErrorKind::Unsupported.into()),
        false => Ok(()),
    }
}

/// Whether a read or write failed because the file system will not go past the cache (some
/// take the flag and then refuse the call), rather than for a reason that stops the command.
pub(crate) fn refused(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::Unsupported
    )
}
