//! A one-line progress indicator on stderr, drawn only when stderr is a terminal.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Progress {
    enabled: bool,
    server: String,
    lists: usize,
    done: AtomicUsize,
    objects: AtomicUsize,
    /// Serialises drawing.
    line: Mutex<()>,
}

impl Progress {
    pub fn new(enabled: bool, server: &str) -> Self {
        Progress {
            enabled,
            server: server.to_string(),
            lists: 0,
            done: AtomicUsize::new(0),
            objects: AtomicUsize::new(0),
            line: Mutex::new(()),
        }
    }

    /// Sets the number of lists to read, once discovery knows it.
    pub fn set_lists(&mut self, lists: usize) {
        self.lists = lists;
        self.draw();
    }

    pub fn objects(&self, count: usize) {
        self.objects.fetch_add(count, Ordering::Relaxed);
        self.draw();
    }

    pub fn list_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.draw();
    }

    fn draw(&self) {
        if !self.enabled {
            return;
        }
        let _guard = self.line.lock();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[Kreading {}: {}/{} lists, {} objects",
            self.server,
            self.done.load(Ordering::Relaxed),
            self.lists,
            self.objects.load(Ordering::Relaxed)
        );
        let _ = err.flush();
    }

    /// Erases the line.
    pub fn finish(&self) {
        if self.enabled {
            let _guard = self.line.lock();
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        }
    }
}
