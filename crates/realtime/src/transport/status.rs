//! Where a long-polling session stands, and the transitions the upgrade to WebSocket and the
//! close allow (pure, so the rules read in one place).

/// The state of one long-polling session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Long-polling: GET answers queued packets, POST carries the client's.
    Polling,
    /// A WebSocket with this session id is open, waiting for `2probe`.
    Upgrading,
    /// The probe was answered (`3probe`): a GET is answered at once (`6` when nothing is
    /// queued) so that the client can pause polling and send `5` on the WebSocket.
    Probed,
    /// The WebSocket took the connection over; polling requests are refused.
    Upgraded,
    /// Ended (close packet, ping timeout, protocol error); the session id is forgotten.
    Closed,
}

impl Status {
    /// A WebSocket asks to take the session over: only from plain polling.
    pub fn begin_upgrade(self) -> Option<Status> {
        (self == Status::Polling).then_some(Status::Upgrading)
    }

    /// The WebSocket answered the client's probe.
    pub fn probed(self) -> Option<Status> {
        (self == Status::Upgrading).then_some(Status::Probed)
    }

    /// The client sent `5` on the WebSocket after a probe.
    pub fn finish_upgrade(self) -> Option<Status> {
        (self == Status::Probed).then_some(Status::Upgraded)
    }

    /// The WebSocket failed before `5`: back to polling.
    pub fn cancel_upgrade(self) -> Option<Status> {
        matches!(self, Status::Upgrading | Status::Probed).then_some(Status::Polling)
    }

    /// Closing from the polling side; an upgraded session belongs to its WebSocket.
    pub fn close(self) -> Option<Status> {
        matches!(self, Status::Polling | Status::Upgrading | Status::Probed)
            .then_some(Status::Closed)
    }

    /// True while polling requests are served.
    pub fn serves_polling(self) -> bool {
        matches!(self, Status::Polling | Status::Upgrading | Status::Probed)
    }
}

#[cfg(test)]
mod tests {
    use super::Status::*;

    #[test]
    fn upgrade_goes_through_the_probe() {
        assert_eq!(Polling.begin_upgrade(), Some(Upgrading));
        assert_eq!(Upgrading.finish_upgrade(), None);
        assert_eq!(Upgrading.probed(), Some(Probed));
        assert_eq!(Probed.finish_upgrade(), Some(Upgraded));
        assert!(!Upgraded.serves_polling());
    }

    #[test]
    fn one_upgrade_at_a_time_and_none_after_close() {
        for s in [Upgrading, Probed, Upgraded, Closed] {
            assert_eq!(s.begin_upgrade(), None, "{s:?}");
        }
        assert_eq!(Closed.probed(), None);
        assert_eq!(Closed.finish_upgrade(), None);
    }

    #[test]
    fn a_failed_upgrade_returns_to_polling() {
        assert_eq!(Upgrading.cancel_upgrade(), Some(Polling));
        assert_eq!(Probed.cancel_upgrade(), Some(Polling));
        assert_eq!(Upgraded.cancel_upgrade(), None);
        assert_eq!(Closed.cancel_upgrade(), None);
    }

    #[test]
    fn close_happens_once_and_never_after_upgrade() {
        for s in [Polling, Upgrading, Probed] {
            assert_eq!(s.close(), Some(Closed), "{s:?}");
            assert!(s.serves_polling());
        }
        assert_eq!(Closed.close(), None);
        assert_eq!(Upgraded.close(), None);
        assert!(!Closed.serves_polling());
    }
}
