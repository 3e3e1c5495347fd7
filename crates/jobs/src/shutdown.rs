//! A shutdown signal shared by workers and schedulers: fired once, observed by many.

use tokio::sync::watch;

/// Fires the shutdown. Dropping the trigger fires it too, so keep it alive as long as the
/// workers should run.
#[derive(Debug)]
pub struct ShutdownTrigger(watch::Sender<bool>);

/// Observes the shutdown (cheap to clone).
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// A new trigger and its signal.
    pub fn new() -> (ShutdownTrigger, Shutdown) {
        let (tx, rx) = watch::channel(false);
        (ShutdownTrigger(tx), Shutdown(rx))
    }

    /// True once the shutdown was fired (or its trigger dropped).
    pub fn is_fired(&self) -> bool {
        *self.0.borrow() || self.0.has_changed().is_err()
    }

    /// Completes when the shutdown is fired (or its trigger dropped).
    pub async fn fired(&self) {
        let mut rx = self.0.clone();
        // An error means the trigger is gone: that is a shutdown too.
        let _ = rx.wait_for(|fired| *fired).await;
    }
}

impl ShutdownTrigger {
    /// Fires the shutdown: workers stop taking jobs, schedulers stop ticking.
    pub fn fire(&self) {
        self.0.send_replace(true);
    }

    /// Another observer of this trigger's signal.
    pub fn subscribe(&self) -> Shutdown {
        Shutdown(self.0.subscribe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fires_once_for_every_observer() {
        let (trigger, shutdown) = Shutdown::new();
        let other = trigger.subscribe();
        assert!(!shutdown.is_fired());
        trigger.fire();
        assert!(shutdown.is_fired() && other.is_fired());
        shutdown.fired().await;
    }

    #[tokio::test]
    async fn dropping_the_trigger_fires() {
        let (trigger, shutdown) = Shutdown::new();
        drop(trigger);
        assert!(shutdown.is_fired());
        shutdown.fired().await;
    }
}
