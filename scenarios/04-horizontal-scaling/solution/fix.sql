-- Sessions every instance can read: one row per logged-in customer, in the database they all
-- share. An expired session stays until it is cleaned up; the app ignores it (expires_at).
CREATE TABLE IF NOT EXISTS sessions (
  id         text PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id),
  expires_at timestamptz NOT NULL
);
