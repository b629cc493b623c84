//! Reading and writing large files past the kernel's page cache (Linux's `O_DIRECT`).
//!
//! A caseload's files are read or written once, start to end. Through the page cache, the
//! kernel copies every byte between the cache and the program, which for a million cases
//! cost the two cores that run them more than a tenth of their time. Straight from and to the
//! disk, the disk's controller moves the bytes. The price: memory address, length and file
//! offset of each read or write must be multiples of the disk's block size (512 or 4096 bytes), so
//! the bytes go through an aligned buffer ([`Aligned`]).

use std::fs::File;

/// A buffer of `size` zeroed bytes at an address that is a multiple of 4096 (a page): a map of
/// memory of its own, never grown, so the address stays put. Its pages are only touched as
/// they are filled, so a small file costs a few. Where the system allows (Linux), it asks for
/// huge pages of 2 MB: the disk's controller then pins (locks in memory) a chunk in a few
/// steps rather than one per 4 KB page, which had cost a thirtieth of the processor's time.
pub(crate) struct Aligned(memmap2::MmapMut);

impl Aligned {
    pub(crate) fn zeroed(size: usize) -> std::io::Result<Aligned> {
        let map = memmap2::MmapMut::map_anon(size)?;
        #[cfg(target_os = "linux")]
        {
            // Only a hint: without huge pages the buffer works the same.
            let _ = map.advise(memmap2::Advice::HugePage);
        }
        Ok(Aligned(map))
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.0
    }
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
