-- The notification outbox: a message is recorded before it is sent, so that a stop or a
-- service that is down loses none; the controller sends what is due, with backoff.
-- Payloads hold the event (names, aliases, messages), never a credential: webhook URLs and
-- routing keys are read from the environment or a file when a message is sent.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    notifier     TEXT    NOT NULL,
    event        TEXT    NOT NULL,
    key          TEXT    NOT NULL UNIQUE,    -- one message per notifier and occurrence
    payload      TEXT    NOT NULL,           -- JSON
    created_at   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    delivered_at INTEGER,
    gave_up      INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX notifications_due ON notifications (next_attempt) WHERE delivered_at IS NULL AND gave_up = 0;
