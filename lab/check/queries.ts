/**
 * The app's two read queries, exactly as the pristine src/server.ts writes them (a test
 * compares them with lab/reset/pristine-server.ts.txt). The checks EXPLAIN these texts, so
 * "the feed uses the index" is judged on the very query the app sends.
 */

/** GET /feed: the 20 newest posts with their authors. */
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
