/**
 * The exceptions the Odoo sandbox raises, named and worded as Odoo names them, and their
 * JSON-RPC rendering. Odoo serialises every exception of a `type='json'` route the same way
 * (`odoo/http.py`, `serialize_exception` and `JsonRPCDispatcher.handle_error`): HTTP 200,
 * `error.code` 200 (an arbitrary value, says the source), `error.message` "Odoo Server Error",
 * and `error.data` = { name: "<module>.<class>", message, arguments, context, debug }.
 */

/** One raised exception: `name` is Odoo's fully qualified class name. */
export class OdooException extends Error {
  readonly odooName: string;

  constructor(odooName: string, message: string) {
    super(message);
    this.name = 'OdooException';
    this.odooName = odooName;
  }
}

/** `odoo.exceptions.ValidationError`: a constraint was violated. */
export const validationError = (message: string): OdooException =>
  new OdooException('odoo.exceptions.ValidationError', message);

/** `odoo.exceptions.UserError`: e.g. an unknown model ("Object x doesn't exist"). */
export const userError = (message: string): OdooException => new OdooException('odoo.exceptions.UserError', message);

/** `odoo.exceptions.AccessError`: e.g. a private method called over RPC, or a read-only model. */
export const accessError = (message: string): OdooException =>
  new OdooException('odoo.exceptions.AccessError', message);

/** `odoo.exceptions.AccessDenied`: bad credentials on `execute_kw`. Odoo's default message. */
export const accessDenied = (): OdooException => new OdooException('odoo.exceptions.AccessDenied', 'Access Denied');

/** Python's `ValueError`: Odoo raises it for an unknown field ("Invalid field 'x' on model 'y'") or a bad domain. */
export const valueError = (message: string): OdooException => new OdooException('builtins.ValueError', message);

/** Python's `TypeError`: an unexpected keyword argument. */
export const typeError = (message: string): OdooException => new OdooException('builtins.TypeError', message);

/**
 * `odoo.exceptions.MissingError`, worded as `_check_record_rules_result_count` words it when a
 * write targets deleted records.
 */
export function missingError(model: string, operation: string, ids: readonly number[], uid: number): OdooException {
  return new OdooException(
    'odoo.exceptions.MissingError',
    'One of the documents you are trying to access has been deleted, please try again after refreshing.' +
      `\n\n(Document type: ${model}, Operation: ${operation}, Records: [${ids.slice(0, 6).join(', ')}], User: ${uid})`,
  );
}

/** Python's `repr()` of a string, as Odoo's messages embed names with `%r`. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return String(value);
}

export interface JsonRpcError {
  readonly code: number;
  readonly message: string;
  readonly data: {
    readonly name: string;
    readonly message: string;
    readonly arguments: readonly unknown[];
    readonly context: Record<string, unknown>;
    readonly debug: string;
  };
}

/** Renders any thrown value as Odoo's JSON-RPC `error` member. */
export function toJsonRpcError(error: unknown): JsonRpcError {
  const odoo =
    error instanceof OdooException
      ? error
      : new OdooException('builtins.Exception', error instanceof Error ? error.message : String(error));
  // AccessDenied suppresses its traceback (odoo/exceptions.py); format_exception then prints only the last line.
  const debug =
    odoo.odooName === 'odoo.exceptions.AccessDenied'
      ? `${odoo.odooName}: ${odoo.message}\n`
      : `Traceback (most recent call last):\n  File "tandem-sandbox", in dispatch\n${odoo.odooName}: ${odoo.message}\n`;
  return {
    code: 200,
    message: 'Odoo Server Error',
    data: { name: odoo.odooName, message: odoo.message, arguments: [odoo.message], context: {}, debug },
  };
}

/** A NOT NULL violation, as `_as_validation_error` (odoo/service/model.py) words it. */
export function requiredError(model: string, description: string, field: string, label: string): OdooException {
  return validationError(
    'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n' +
      '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${description} (${model})\nField: ${label} (${field})\n`,
  );
}

/** A FOREIGN KEY violation (a many2one to a record that does not exist), as `_as_validation_error` words it. */
export function foreignKeyError(model: string, description: string, constraint: string): OdooException {
  return validationError(
    'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${description} (${model})\nConstraint: ${constraint}\n`,
  );
}

/** `odoo.exceptions.MissingError` as `ensure_one`'s callers meet it on a deleted record. */
export function recordMissing(model: string, ids: readonly number[], uid: number): OdooException {
  return new OdooException(
    'odoo.exceptions.MissingError',
    `Record does not exist or has been deleted.\n(Record: ${model}(${ids.join(', ')}${ids.length === 1 ? ',' : ''}), User: ${uid})`,
  );
}
