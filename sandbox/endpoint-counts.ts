/** Requests counted by endpoint, for the sandbox servers' `requestsByEndpoint()`. */

/** A tally of requests by endpoint name. */
export interface EndpointTally {
  count(endpoint: string): void;
  snapshot(): Readonly<Record<string, number>>;
}

export function endpointTally(): EndpointTally {
  const counts = new Map<string, number>();
  return {
    count(endpoint) {
      counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    },
    snapshot: () => Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/**
 * A HubSpot request's endpoint: method and path, numeric path segments as `:id`, the query dropped
 * except `archived=true` (HubSpot's archived reads are requests of their own).
 */
export function hubspotEndpoint(method: string, url: string): string {
  const [path = '', query = ''] = url.split('?');
  const archived = new URLSearchParams(query).get('archived') === 'true';
  return `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/:id')}${archived ? '?archived=true' : ''}`;
}
