/**
 * The Odoo connector's block of the config file. The password or API key is not here: it is
 * the connector's secret `password`, read through `ctx.secret('password')` on every call so a
 * rotated key takes effect without a restart.
 */
import { z } from 'zod';
import { maxResponseBytesSetting } from '../../src/http/response-cap.js';

export const odooConfigSchema = z.strictObject({
  /** The server's base URL, e.g. `https://mycompany.odoo.com` (no `/jsonrpc`, no trailing path). */
  url: z
    .url({ protocol: /^https?$/, error: 'url must be an http(s) URL such as https://mycompany.odoo.com' })
    .transform((url) => url.replace(/\/+$/, '')),
  /** The database name; on Odoo Online it is the instance name (`mycompany`). */
  db: z.string().min(1, 'db is the Odoo database name, e.g. mycompany'),
  /** The login of the user the integration acts as (an email on Odoo Online). */
  login: z.string().min(1, 'login is the Odoo user login, e.g. api@mycompany.com'),
  maxResponseBytes: maxResponseBytesSetting,
});

export type OdooConfig = z.infer<typeof odooConfigSchema>;
