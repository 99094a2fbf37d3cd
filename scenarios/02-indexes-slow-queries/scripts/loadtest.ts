// The load test: many shoppers use the shop at the same time, for a while: they search the
// products, look at their orders, open an order, place orders, and the warehouse team keeps
// its list of pending orders open.
//
//   npm run loadtest                                   the whole shop, for 30 seconds
//   npm run loadtest -- --route "my orders"            one page only (by its name or its path)
//   npm run loadtest -- --users 20 --duration 10       fewer shoppers, shorter
//   npm run loadtest -- --label "after my orders"      name the run in the comparison table
//   npm run loadtest -- --help                         every option
//
// Run it in a second terminal while `npm start` runs in the first. It prints a line every
// second, then a summary with each page's own numbers, a verdict, and a table of your runs.
// What it sends, how often, and why: see lab/scenario.ts (loadTest).
import { runLoadTestCommand } from '../../../lab/loadtest/command.js';

runLoadTestCommand();
