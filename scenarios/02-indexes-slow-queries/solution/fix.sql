-- The shop's indexes: one for each slow page, and nothing else.
--
-- Run it in the lab's SQL console:   npm run db
-- or in one go:                      npm run db -- -f solution/fix.sql
--
-- Each read page asked PostgreSQL a question it could only answer by reading a whole
-- table ("Seq Scan" in the plan), then sorting what it kept ("Sort"). An index is a
-- separate, always-sorted copy of some columns with a pointer to each row. With the
-- right one, PostgreSQL jumps to the first matching entry and reads just what the page
-- shows, already in the page's order.

-- 1. "My orders": WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20.
--
-- orders.user_id is a FOREIGN KEY, and a foreign key is not an index: PostgreSQL checks
-- that the user exists when an order is written, but has no fast way to find one user's
-- orders. (user_id) alone would find them, then sort them all to keep the 20 newest;
-- for the busiest customer, a thousand orders or more.
-- (user_id, created_at) keeps each customer's orders together AND in time order:
-- PostgreSQL jumps to this customer, reads 20 entries from the newest end, and stops.
-- The order of the columns matters: (created_at, user_id) is sorted by time first, so one
-- customer's orders are scattered through all of it, and PostgreSQL rightly ignores it.
CREATE INDEX IF NOT EXISTS orders_user_id_created_at_idx ON orders (user_id, created_at);

-- 2. Product search: WHERE category = $1 AND price_cents BETWEEN $2 AND $3
--                    ORDER BY price_cents LIMIT 20.
--
-- Equality column first, range column second. Inside one category the entries are sorted
-- by price, so the search is one contiguous stretch of the index: jump to
-- (category, lowest price), read 20 entries, stop. (category) alone would read every
-- product of the category and sort them; the biggest, books, is nearly a third of the shop.
CREATE INDEX IF NOT EXISTS products_category_price_cents_idx ON products (category, price_cents);

-- 3. The operations page: WHERE status = 'pending' ORDER BY created_at LIMIT 50.
--
-- Only about 1 order in 100 is pending (pg_stats: most_common_freqs for orders.status).
-- An index on (status) would help for 'pending' and never for 'delivered': fetching 93%
-- of a table through an index costs more than reading it, and the planner knows it.
-- A PARTIAL index holds only the rows its WHERE matches: here the pending orders, sorted by
-- when they were placed. It is small: an entry for each pending order, where (status) has one
-- for every order. An order that ships no longer matches its WHERE, and vacuum removes the
-- entry later. The query must say status = 'pending' for PostgreSQL to use it, and it does.
CREATE INDEX IF NOT EXISTS orders_pending_created_at_idx ON orders (created_at) WHERE status = 'pending';

-- How to verify: run each page's query with EXPLAIN (ANALYZE, BUFFERS) in front of it.
--   Before: "Seq Scan on orders" (or "Parallel Seq Scan") under a "Sort", thousands of Buffers.
--   After:  "Index Scan … using <the index>", no Sort, a handful of Buffers.
-- Then ask PostgreSQL which queries use the most time:
--   SELECT calls, round(total_exec_time) AS total_ms, round(mean_exec_time::numeric, 2) AS mean_ms,
--          left(query, 60) AS query
--   FROM pg_stat_statements WHERE userid = current_user::regrole
--   ORDER BY total_exec_time DESC LIMIT 5;
--
-- What they cost, so you know what you paid: every order placed now also writes an entry
-- into each index on orders (and a stock update into each index on products, unless the
-- new row version fits on its page: a "HOT" update), and the
-- indexes take disk space: SELECT pg_size_pretty(pg_relation_size('orders_user_id_created_at_idx'));
-- Three indexes that every page view uses are worth it. An index no query uses is pure cost:
-- pg_stat_user_indexes.idx_scan tells you which ones those are.
