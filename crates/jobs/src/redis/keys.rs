//! Names of the queue's Redis keys (see the module documentation for the layout).

/// Key names under one prefix.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(prefix: &str) -> Self {
        Keys {
            prefix: prefix.trim_end_matches(':').to_owned(),
        }
    }

    /// `P:K`: the stream of ready jobs of kind `K`.
    pub fn stream(&self, kind: &str) -> String {
        format!("{}:{kind}", self.prefix)
    }

    /// `P:K:workers`: the consumer group reading `P:K`.
    pub fn group(&self, kind: &str) -> String {
        format!("{}:{kind}:workers", self.prefix)
    }

    /// `P:K:delayed`: scheduled jobs and retries, score = run-at in ms.
    pub fn delayed(&self, kind: &str) -> String {
        format!("{}:{kind}:delayed", self.prefix)
    }

    /// `P:K:dead`: the dead-letter stream.
    pub fn dead(&self, kind: &str) -> String {
        format!("{}:{kind}:dead", self.prefix)
    }

    /// `P:held:<dedupe key>`: present while the queue holds the job.
    pub fn held(&self, dedupe_key: &str) -> String {
        format!("{}:held:{dedupe_key}", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let keys = Keys::new("tiktickets:jobs:");
        assert_eq!(keys.stream("send-message"), "tiktickets:jobs:send-message");
        assert_eq!(
            keys.group("send-message"),
            "tiktickets:jobs:send-message:workers"
        );
        assert_eq!(
            keys.delayed("send-message"),
            "tiktickets:jobs:send-message:delayed"
        );
        assert_eq!(
            keys.dead("send-message"),
            "tiktickets:jobs:send-message:dead"
        );
        assert_eq!(
            keys.held("send-message:1:x"),
            "tiktickets:jobs:held:send-message:1:x"
        );
    }
}
