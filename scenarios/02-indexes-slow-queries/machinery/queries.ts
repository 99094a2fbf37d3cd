/**
 * The read pages' queries, exactly as the pristine src/server.ts sends them
 * (test/scenarios/02-indexes-slow-queries/queries.test.ts compares them with
 * machinery/pristine/server.ts.txt), for the checks to EXPLAIN with realistic parameters.
 */

/** How many products one search page shows. */
export const SEARCH_PAGE_ROWS = 20;

/** GET /products: one category within a price range, cheapest first ($1 category, $2 and $3 the price range in cents). */
export const SEARCH_QUERY = `SELECT id, name, category, price_cents AS "priceCents", stock
       FROM products
       WHERE category = $1 AND price_cents BETWEEN $2 AND $3
       ORDER BY price_cents
       LIMIT ${SEARCH_PAGE_ROWS}`;

/** How many orders "my orders" shows. */
export const MY_ORDERS_PAGE_ROWS = 20;

/** GET /users/:id/orders: one customer's 20 newest orders ($1 the customer's id). */
export const MY_ORDERS_QUERY = `SELECT id, status, total_cents AS "totalCents", created_at AS "createdAt"
     FROM orders
     WHERE user_id = $1
     ORDER BY created_at DESC
     LIMIT ${MY_ORDERS_PAGE_ROWS}`;

/** How many orders the operations page shows. */
export const OPERATIONS_PAGE_ROWS = 50;

/** GET /admin/orders: the 50 orders of one status waiting longest ($1 the status; the page asks for 'pending'). */
export const OPERATIONS_QUERY = `SELECT id, user_id AS "userId", total_cents AS "totalCents", created_at AS "createdAt"
     FROM orders
     WHERE status = $1
     ORDER BY created_at
     LIMIT ${OPERATIONS_PAGE_ROWS}`;
