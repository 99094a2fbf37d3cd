-- The sign-up service's tables. `npm start` applies this file on every start (it changes
-- nothing that is already there), as the app's own role, which then owns the tables.

-- Everyone who signed up.
CREATE TABLE IF NOT EXISTS users (
  id         bigserial PRIMARY KEY,
  email      text NOT NULL UNIQUE,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The queue: one row per job. The API adds a 'queued' job in the same transaction as the
-- user it is about; a worker moves it to 'running', sends the email, then marks it 'done'.
-- Done jobs stay in the table (the history of what was sent).
CREATE TABLE IF NOT EXISTS jobs (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL,
  payload      jsonb NOT NULL,
  status       text NOT NULL DEFAULT 'queued',
  attempts     integer NOT NULL DEFAULT 0,
  -- Until when a worker's claim on a 'running' job holds (unused by the shipped worker).
  locked_until timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  CONSTRAINT jobs_status_known CHECK (status IN ('queued', 'running', 'done', 'failed'))
);
