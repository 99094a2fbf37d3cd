/**
 * The query GET /users/:id/posts sends, exactly as the pristine src/server.ts writes it (a
 * test compares it with lab/reset/pristine/server.ts.txt), for the bonus check to EXPLAIN.
 * The feed's own query lives in lab/feed-query.ts.
 */

/** GET /users/:id/posts: the 20 newest posts of one user ($1 is the user id). */
export const USER_POSTS_QUERY = `SELECT id, user_id AS "userId", content, created_at AS "createdAt"
     FROM posts
     WHERE user_id = $1
     ORDER BY created_at DESC
     LIMIT 20`;
