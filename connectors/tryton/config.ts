/**
 * The Tryton connector's block of the config file. The password is not here: it is the
 * connector's secret `password`, read through `ctx.secret('password')` whenever the connector
 * logs in, so a changed password takes effect at the next login without a restart.
 *
 * @example
 *   erp:
 *     kind: tryton
 *     url: https://erp.example.com      # trytond's [web] listen address, no database path
 *     db: mycompany
 *     login: tandem
 *     secrets: { password: { file: /run/secrets/tryton-password } }
 */
import { z } from 'zod';
import { maxResponseBytesSetting } from '../../src/http/response-cap.js';

export const trytonConfigSchema = z.strictObject({
  /** trytond's web root; calls go to `<url>/<db>/`. */
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an http(s) URL such as https://erp.example.com' })
    .transform((url) => url.replace(/\/+$/, '')),
  /** The database name (on SQLite, the file name without `.sqlite`). */
  db: z.string().min(1, 'db is the Tryton database name, e.g. mycompany'),
  /** The login of the Tryton user the integration acts as. */
  login: z.string().min(1, 'login is the Tryton user login, e.g. tandem'),
  /** The language code sent at login (`en`, `fr`, ...): the language of Tryton's error messages. */
  language: z.string().min(2).default('en'),
  /**
   * The identifier type used when a write gives a party a `tax_identifier` it has none of
   * (one of `Party.tax_identifier_types()`, e.g. `eu_vat`, `be_vat`, `us_ein`). Tryton checks
   * the code against the type with python-stdnum.
   */
  taxIdentifierType: z.string().min(1).default('eu_vat'),
  maxResponseBytes: maxResponseBytesSetting,
  /**
   * After Tryton refuses a login, seconds before Tandem tries the same password again (a changed
   * password secret is tried at once). Default 300, Tryton's default `[session] timeout`: the span
   * over which it counts failed logins toward a lockout.
   */
  loginRetrySeconds: z.number().int().min(0).optional(),
});

export type TrytonConfig = z.infer<typeof trytonConfigSchema>;
