/**
 * The queries src/server.ts sends, exactly as the pristine server writes them
 * (test/scenarios/01-connection-pools/queries.test.ts compares them with machinery/pristine/server.ts.txt),
 * for the checks to EXPLAIN and the benchmark to measure.
 */

/** GET /feed: the 20 newest posts of everyone, with their authors. */
export const FEED_QUERY = `SELECT p.id, p.user_id AS "userId", u.username, p.content, p.created_at AS "createdAt"
     FROM posts p
     JOIN users u ON u.id = p.user_id
     ORDER BY p.created_at DESC
     LIMIT 20`;

/** GET /users/:id/posts: the 20 newest posts of one user ($1 is the user id). */
export const USER_POSTS_QUERY = `SELECT id, user_id AS "userId", content, created_at AS "createdAt"
     FROM posts
     WHERE user_id = $1
     ORDER BY created_at DESC
     LIMIT 20`;
