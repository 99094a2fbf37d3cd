/**
 * The query src/server.ts runs for GET /feed, for the lab's own measurements and checks.
 * test/unit/feed-query.test.ts proves it is the same text as in the pristine server.
 */
export const FEED_QUERY = `SELECT p.id, p.user_id AS "userId", u.username, p.content, p.created_at AS "createdAt"
     FROM posts p
     JOIN users u ON u.id = p.user_id
     ORDER BY p.created_at DESC
     LIMIT 20`;
