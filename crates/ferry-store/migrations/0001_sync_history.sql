-- Every sync of an Application: one row, written when it starts and completed when it ends,
-- so a crash leaves a 'Running' row that a restart finds and resumes.
CREATE TABLE sync_operations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    application  TEXT    NOT NULL,
    revision     TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    trigger_kind TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    phase        TEXT    NOT NULL,
    message      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sync_operations_by_app ON sync_operations (application, id DESC);

-- What happened to each resource in a sync.
CREATE TABLE sync_resources (
    operation_id INTEGER NOT NULL REFERENCES sync_operations (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    grp          TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    namespace    TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    message      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (operation_id, position)
);
