/** Every route set the lab server hosts, in one list. */
import type { LabRoutes } from './context.js';
import { placeholderHomePage } from '../dashboard/placeholder.js';
import { chaosRoutes } from '../chaos/chaos-routes.js';

export const labRoutes: LabRoutes[] = [placeholderHomePage, chaosRoutes];
