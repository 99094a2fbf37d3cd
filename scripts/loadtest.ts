// The load test: many users ask the app for the same page at the same time, for a while.
//
//   npm run loadtest                                   200 users on /feed for 30 seconds
//   npm run loadtest -- --users 50 --duration 10       fewer users, shorter
//   npm run loadtest -- --label "after fix 1"          name the run in the comparison table
//   npm run loadtest -- --help                         every option
//
// Run it in a second terminal while `npm start` runs in the first. It prints a line every
// second, then a summary, a verdict, and a table comparing all your runs so far.
import { runLoadTestCommand } from '../lab/loadtest/command.js';

runLoadTestCommand({
  // More users than PostgreSQL's 100 connections: enough to break an app that opens a
  // connection for every request. Each user sends its next request as soon as it gets an answer.
  users: 200,
  // Long enough for queues to build up and settle, short enough to run again after each fix.
  durationSeconds: 30,
  // The page everyone opens first, and the one that falls over.
  route: '/feed',
  // How long a user waits for one answer before giving up (counted as a timeout).
  // The fixed app's pool waits at most 15 s for a free connection (solution/server.fixed.ts),
  // so with 20 s here the app answers (even if with an error) before the load test gives up:
  // what you see is the app's behaviour, not the load test's patience.
  requestTimeoutSeconds: 20,
});
