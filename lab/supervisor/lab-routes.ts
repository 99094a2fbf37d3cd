/** Every route set the lab server hosts, in one list. */
import type { LabRoutes } from '../lab-context.js';
import { chaosRoutes } from '../chaos/chaos-routes.js';
import { observabilityRoutes } from '../dashboard/routes.js';
import { fleetRoutes } from './fleet-routes.js';

export const labRoutes: LabRoutes[] = [observabilityRoutes, chaosRoutes, fleetRoutes];
