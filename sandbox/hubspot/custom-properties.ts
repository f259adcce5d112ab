/**
 * Custom properties and property groups created through the properties API
 * (`POST /crm/v3/properties/{object}`, `POST /crm/v3/properties/{object}/groups`), kept in the
 * store's database so they survive a restart, and read from memory. The built-in definitions stay
 * in properties.ts; `propertyOf` consults both.
 */
import type Database from 'better-sqlite3';
import type { PropertyDefinition } from './property-builders.js';

export interface PropertyGroup {
  readonly name: string;
  readonly label: string;
  readonly displayOrder: number;
}

export interface CustomProperties {
  /** The properties created on `object`, in creation order. */
  list(object: string): readonly PropertyDefinition[];
  add(object: string, definition: PropertyDefinition, createdAt: number): void;
  /** When each custom property was created (epoch ms). */
  createdAt(object: string, name: string): number | undefined;
  /** The groups created on `object` (not the built-in ones). */
  groups(object: string): readonly PropertyGroup[];
  addGroup(object: string, group: PropertyGroup): void;
}

export function customProperties(db: Database.Database): CustomProperties {
  db.exec(`
    CREATE TABLE IF NOT EXISTS custom_properties (
      object_type TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL, definition TEXT NOT NULL,
      PRIMARY KEY (object_type, name)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS property_groups (
      object_type TEXT NOT NULL, name TEXT NOT NULL, label TEXT NOT NULL, display_order INTEGER NOT NULL,
      PRIMARY KEY (object_type, name)) WITHOUT ROWID;
  `);
  const properties = new Map<string, { definition: PropertyDefinition; createdAt: number }[]>();
  const groups = new Map<string, PropertyGroup[]>();
  const rows = db
    .prepare<[], { object_type: string; created_at: number; definition: string }>(
      'SELECT object_type, created_at, definition FROM custom_properties ORDER BY created_at, name',
    )
    .all();
  for (const row of rows)
    properties.set(row.object_type, [
      ...(properties.get(row.object_type) ?? []),
      { definition: JSON.parse(row.definition) as PropertyDefinition, createdAt: row.created_at },
    ]);
  const groupRows = db
    .prepare<[], { object_type: string; name: string; label: string; display_order: number }>(
      'SELECT * FROM property_groups ORDER BY display_order, name',
    )
    .all();
  for (const row of groupRows)
    groups.set(row.object_type, [
      ...(groups.get(row.object_type) ?? []),
      { name: row.name, label: row.label, displayOrder: row.display_order },
    ]);
  const insertProperty = db.prepare(
    'INSERT INTO custom_properties (object_type, name, created_at, definition) VALUES (?, ?, ?, ?)',
  );
  const insertGroup = db.prepare(
    'INSERT INTO property_groups (object_type, name, label, display_order) VALUES (?, ?, ?, ?)',
  );
  return {
    list: (object) => (properties.get(object) ?? []).map((p) => p.definition),
    add(object, definition, createdAt) {
      insertProperty.run(object, definition.name, createdAt, JSON.stringify(definition));
      properties.set(object, [...(properties.get(object) ?? []), { definition, createdAt }]);
    },
    createdAt: (object, name) => properties.get(object)?.find((p) => p.definition.name === name)?.createdAt,
    groups: (object) => groups.get(object) ?? [],
    addGroup(object, group) {
      insertGroup.run(object, group.name, group.label, group.displayOrder);
      groups.set(object, [...(groups.get(object) ?? []), group]);
    },
  };
}
