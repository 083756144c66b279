-- Freight: immutable, content-addressed bundles of Revisions a Warehouse found. Never updated.
CREATE TABLE freight (
    id          TEXT    PRIMARY KEY,           -- SHA-256 over the sorted Revisions, hex
    alias       TEXT    NOT NULL,
    warehouse   TEXT    NOT NULL,
    revisions   TEXT    NOT NULL,              -- JSON array of Revisions
    authors     TEXT    NOT NULL DEFAULT '[]', -- JSON array: author emails of the Git commits in it
    created_at  INTEGER NOT NULL
);
CREATE INDEX freight_by_warehouse ON freight (warehouse, created_at DESC);
CREATE INDEX freight_by_alias ON freight (alias);

-- Promotions: one row per Freight moved into a Stage (or moved back: kind 'rollback'). The row
-- is written before the first step runs and after every step, so a restart resumes at
-- next_step; phase Running/Verifying rows are the ones a crash interrupted.
CREATE TABLE promotions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline     TEXT    NOT NULL,
    stage        TEXT    NOT NULL,
    freight_id   TEXT    NOT NULL REFERENCES freight (id),
    kind         TEXT    NOT NULL,             -- promote | rollback
    requested_by TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    phase        TEXT    NOT NULL,             -- Running | Verifying | Succeeded | Failed | Errored
    next_step    INTEGER NOT NULL DEFAULT 0,
    steps        TEXT    NOT NULL DEFAULT '[]',-- JSON: what each finished step did
    commit_sha   TEXT,                         -- the commit the steps pushed
    deployed     INTEGER NOT NULL DEFAULT 0,   -- 1 once the Stage runs this Freight
    verification TEXT,                         -- JSON verification report
    message      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX promotions_by_stage ON promotions (pipeline, stage, id DESC);
-- One promotion at a time per Stage.
CREATE UNIQUE INDEX promotions_one_active ON promotions (pipeline, stage) WHERE phase IN ('Running', 'Verifying');

-- Approvals and rejections of a Freight for a Stage: one decision per person.
CREATE TABLE approvals (
    pipeline   TEXT    NOT NULL,
    stage      TEXT    NOT NULL,
    freight_id TEXT    NOT NULL REFERENCES freight (id),
    approver   TEXT    NOT NULL,
    decision   TEXT    NOT NULL,               -- approved | rejected
    comment    TEXT    NOT NULL DEFAULT '',
    at         INTEGER NOT NULL,
    PRIMARY KEY (pipeline, stage, freight_id, approver)
);

-- What each Warehouse's last poll found, for listing and backoff.
CREATE TABLE warehouse_polls (
    warehouse   TEXT    PRIMARY KEY,
    polled_at   INTEGER NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,    -- polls failed in a row
    next_poll   INTEGER NOT NULL,
    message     TEXT    NOT NULL DEFAULT ''
);

-- The audit log: append-only, each entry chained to the one before by a SHA-256 hash.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    detail    TEXT    NOT NULL,                -- JSON
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
