-- The feed's two tables. Applied by `npm start` before the app starts; safe to run again.
--
-- Notice what is NOT here: no index on posts.created_at and none on posts.user_id.
-- PostgreSQL creates an index for each PRIMARY KEY and UNIQUE constraint by itself,
-- but every other index is yours to decide. That decision is part of this lab.

CREATE TABLE IF NOT EXISTS users (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username   text        NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS posts (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    integer     NOT NULL CONSTRAINT posts_user_id_fkey REFERENCES users (id),
  content    text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Bookkeeping for db/seed.ts: one row, written in the same transaction as the seeded
-- rows, so a seed that was interrupted leaves no row and is redone on the next start.
CREATE TABLE IF NOT EXISTS seed_info (
  users     integer     NOT NULL,
  posts     integer     NOT NULL,
  seeded_at timestamptz NOT NULL DEFAULT now()
);
