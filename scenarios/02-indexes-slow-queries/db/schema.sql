-- The shop's four tables. Applied by `npm start` before the app starts; safe to run again.
--
-- Every table has a PRIMARY KEY, and PostgreSQL builds an index for each primary key and
-- each UNIQUE constraint by itself. That is ALL the indexing here. In particular:
--   * a FOREIGN KEY (orders.user_id, order_items.product_id) makes PostgreSQL check that
--     the row it points to exists; it does NOT create an index on the referencing column;
--   * nothing helps a WHERE on category, price, status or created_at.
-- Which indexes to add, and which ones are worth what they cost, is this scenario.

CREATE TABLE IF NOT EXISTS users (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email      text        NOT NULL UNIQUE,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS products (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text    NOT NULL,
  category    text    NOT NULL,
  -- Money in whole cents: integers add up exactly, floating point does not (0.1 + 0.2).
  price_cents integer NOT NULL CHECK (price_cents > 0),
  stock       integer NOT NULL CHECK (stock >= 0)
);

CREATE TABLE IF NOT EXISTS orders (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     integer     NOT NULL CONSTRAINT orders_user_id_fkey REFERENCES users (id),
  -- pending: paid, waiting to be shipped. Then shipped, then delivered (or cancelled).
  status      text        NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'shipped', 'delivered', 'cancelled')),
  total_cents integer     NOT NULL CHECK (total_cents >= 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS order_items (
  -- The primary key (order_id, product_id) is an index led by order_id: an order's
  -- items are quick to find. Finding the orders of one PRODUCT is another matter.
  order_id    integer NOT NULL CONSTRAINT order_items_order_id_fkey REFERENCES orders (id),
  product_id  integer NOT NULL CONSTRAINT order_items_product_id_fkey REFERENCES products (id),
  quantity    integer NOT NULL CHECK (quantity > 0),
  -- The price when the order was placed: a later price change must not rewrite history.
  price_cents integer NOT NULL CHECK (price_cents > 0),
  PRIMARY KEY (order_id, product_id)
);

-- Bookkeeping for db/seed.ts: one row, written in the same transaction as the seeded
-- rows, so a seed that was interrupted leaves no row and is redone on the next start.
CREATE TABLE IF NOT EXISTS seed_info (
  users     integer     NOT NULL,
  products  integer     NOT NULL,
  orders    integer     NOT NULL,
  seeded_at timestamptz NOT NULL DEFAULT now()
);
