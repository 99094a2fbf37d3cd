// The load test: many users ask the app for the same page at the same time, for a while.
//
//   npm run loadtest                                   200 users on /feed for 30 seconds
//   npm run loadtest -- --users 50 --duration 10       fewer users, shorter
//   npm run loadtest -- --label "after fix 1"          name the run in the comparison table
//   npm run loadtest -- --help                         every option
//
// Run it in a second terminal while `npm start` runs in the first. It prints a line every
// second, then a summary, a verdict, and a table comparing all your runs so far.
// Why 200 users, 30 seconds and a 20-second patience: see lab/scenario.ts (loadTest).
import { runLoadTestCommand } from '../../../lab/loadtest/command.js';

runLoadTestCommand();
