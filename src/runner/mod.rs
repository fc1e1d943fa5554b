//! The solver thread: it owns the running methods, takes [`Command`]s and
//! streams batched [`Event`]s over crossbeam channels. It is never paced by
//! the UI's frame rate; the bounded event channel slows it down if the UI
//! falls behind. A panic inside a step becomes an [`Event::Failed`].

mod messages;
mod worker;

pub use messages::{Command, Event, Frames, RunId, Speed};

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Batches in flight before the solver waits for the UI.
pub const EVENT_CAPACITY: usize = 64;

/// The handle of the solver thread; dropping it shuts the thread down and
/// joins it.
#[derive(Debug)]
pub struct Runner {
    commands: Sender<Command>,
    events: Receiver<Event>,
    thread: Option<JoinHandle<()>>,
}

impl Runner {
    /// Starts the thread, paused at [`Speed::Max`]; `wake` is called after
    /// every event it sends (the app passes `request_repaint`).
    pub fn spawn(wake: crate::background::Wake) -> Self {
        let (cmd_tx, cmd_rx) = unbounded();
        let (ev_tx, ev_rx) = bounded(EVENT_CAPACITY);
        let thread = std::thread::Builder::new()
            .name("solver".into())
            .spawn(move || worker::Worker::new(cmd_rx, ev_tx, wake).run())
            .ok();
        Self {
            commands: cmd_tx,
            events: ev_rx,
            thread,
        }
    }

    /// Sends a command; returns false if the thread is gone.
    pub fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }

    /// The event stream.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// Drains events for at most `budget`, handing each to `apply`; returns
    /// how many arrived.
    pub fn drain(&self, budget: Duration, mut apply: impl FnMut(Event)) -> usize {
        let start = Instant::now();
        let mut count = 0;
        while start.elapsed() < budget {
            match self.events.try_recv() {
                Ok(event) => {
                    apply(event);
                    count += 1;
                }
                Err(_) => break,
            }
        }
        count
    }

    /// Whether the thread is still running.
    pub fn is_alive(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Asks the thread to stop and joins it.
    pub fn shutdown(&mut self) {
        self.commands.send(Command::Shutdown).ok();
        // Unblock a solver waiting on a full event channel.
        while self.events.try_recv().is_ok() {}
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.shutdown();
    }
}
