/**
 * HubSpot facts kept as data: which property carries an object's modification time, the search
 * limits, and what a lookup fetches by default.
 */

/**
 * Contacts keep their modification time in `lastmodifieddate`, every other object in
 * `hs_lastmodifieddate` (the search guide's table of default properties:
 * https://developers.hubspot.com/docs/api-reference/latest/crm/search-the-crm).
 */
export function modifiedProperty(object: string): string {
  return object === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

/** The search endpoints' documented limits (same page, "Limitations"). */
export const SEARCH_LIMITS = Object.freeze({
  /** Results per page. */
  maxLimit: 200,
  /** No query pages past this many results: `after` at or beyond it is a 400. */
  resultCap: 10_000,
  /** The request body may hold at most this many characters. */
  bodyChars: 3000,
  /** Values per IN filter. Guessed: the guide gives no number; 100 matches the batch limit. */
  inValues: 100,
});

/** Inputs per batch request (read, create, update, upsert, archive). */
export const MAX_BATCH_INPUTS = 100;

export const DEFAULT_LOOKUP_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  contacts: [
    'email',
    'firstname',
    'lastname',
    'phone',
    'jobtitle',
    'address',
    'city',
    'zip',
    'country',
    'company',
    'lifecyclestage',
    'tandem_ref',
  ],
  companies: ['name', 'domain', 'phone', 'address', 'city', 'zip', 'country', 'industry', 'tandem_ref'],
  deals: ['dealname', 'amount', 'deal_currency_code', 'dealstage', 'pipeline', 'closedate', 'tandem_ref'],
};
