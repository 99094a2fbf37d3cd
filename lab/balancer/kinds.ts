/**
 * Which program balances in a scenario that runs a load balancer: the lab's own (built-in, on
 * every system) or real nginx where it is installed. `npm start -- --balancer nginx` or
 * LAB_BALANCER=nginx picks it; both read the same balancer.conf.
 */

export const BALANCER_KINDS = ['built-in', 'nginx'] as const;
export type BalancerKind = (typeof BALANCER_KINDS)[number];

/** The kind `value` names, or undefined when it names none. */
export function balancerKind(value: string): BalancerKind | undefined {
  return BALANCER_KINDS.find((kind) => kind === value.trim().toLowerCase());
}

/** "built-in (the lab's own) or nginx": the choices, as an error line lists them. */
export const BALANCER_CHOICES = "built-in (the lab's own, the default) or nginx (real nginx, where it is installed)";
