-- The claim looks for the few jobs that are queued (or whose lease ran out) among every job
-- ever sent. Without an index that knows which those are, each claim reads the whole table,
-- and the table grows with every sign-up. A partial index holds only the claimable jobs: a
-- job leaves it when it is done, so it stays small however long the history grows.
CREATE INDEX IF NOT EXISTS jobs_claimable_idx ON jobs (id) WHERE status IN ('queued', 'running');
