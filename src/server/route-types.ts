/** The shape of one route of the API's table (routes-spec.ts). */
import type { z } from 'zod';

/** `bearer`: `Authorization: Bearer <server.tokenSecret>`; `signature`: the connector's webhook scheme. */
export type RouteAuth = 'none' | 'bearer' | 'signature';

export interface RouteResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Default `application/json`. */
  readonly contentType?: string;
}

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** Fastify style (`/api/syncs/:sync/run`). */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: 'health' | 'control' | 'webhooks';
  readonly auth: RouteAuth;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  readonly responses: Readonly<Record<number, RouteResponse>>;
}
