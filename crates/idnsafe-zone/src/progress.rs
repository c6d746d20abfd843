//! Progress of a read: input bytes consumed from the files (compressed
//! bytes for gzip input, so they compare with the files' sizes), shared
//! between the reader threads and whoever shows the progress.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A shared count of input bytes read; clones count into the same total.
#[derive(Clone, Debug, Default)]
pub struct ByteCounter(Arc<AtomicU64>);

impl ByteCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }
    /// Bytes counted so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
    /// Adds `n` bytes.
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    /// Sets the count (a scan abandoned and read again is counted once).
    pub fn set(&self, n: u64) {
        self.0.store(n, Ordering::Relaxed);
    }
}

/// A reader that adds what it reads to a counter, when there is one.
pub(crate) struct Counted<R> {
    pub(crate) inner: R,
    pub(crate) counter: Option<ByteCounter>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(c) = &self.counter {
            c.add(n as u64);
        }
        Ok(n)
    }
}
