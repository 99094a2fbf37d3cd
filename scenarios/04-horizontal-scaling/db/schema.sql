-- The shop's account service: its tables. `npm start` applies this file on every start (it
-- changes nothing that is already there), as the app's own role, which then owns the tables.

-- The shop's customers. Every password is stored as a bcrypt hash, never as itself.
CREATE TABLE IF NOT EXISTS users (
  id            bigserial PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  name          text NOT NULL,
  password_hash text NOT NULL,
  last_login_at timestamptz
);

-- What the shop sells: the product pages read them.
CREATE TABLE IF NOT EXISTS products (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL,
  price_cents integer NOT NULL
);

