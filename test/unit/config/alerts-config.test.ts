/** `history` and `alerts` in the config: defaults, and errors that name the key and say what to write. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/tmp.js';

const BASE = `dataDir: ./data
connectors:
  crm: { kind: hubspot, sandbox: crm }
  erp: { kind: odoo, sandbox: erp }
syncs: {}
`;

describe('history and alerts config', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());
  const load = (extra: string) => {
    const file = path.join(dir, 'tandem.yaml');
    fs.writeFileSync(file, BASE + extra);
    return loadConfig(file);
  };
  const failure = (extra: string): string => {
    try {
      load(extra);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('defaults: history kept 30 days, no alerts', () => {
    const config = load('');
    expect(config.history).toEqual({ keepDays: 30, maxChanges: 1_000_000 });
    expect(config.alerts).toBeUndefined();
  });

  it('takes targets with their defaults', () => {
    const config = load(`alerts:
  targets:
    - { kind: webhook, url: "https://alerts.example.com/tandem", secret: { env: ALERT_KEY } }
    - { kind: slack, url: { file: slack-url } }
`);
    expect(config.alerts).toEqual({
      targets: [
        { kind: 'webhook', url: 'https://alerts.example.com/tandem', secret: { env: 'ALERT_KEY' } },
        { kind: 'slack', url: { file: 'slack-url' } },
      ],
      batchMs: 10_000,
      maxPerBatch: 50,
      maxPerMinute: 20,
      checkEverySeconds: 30,
      staleAfterMinutes: 60,
      driftBelow: 0.95,
    });
  });

  it('says what to write for an unknown kind, a Slack URL in clear, a missing secret, a bad threshold', () => {
    expect(failure(`alerts: { targets: [{ kind: email, url: "mailto:x" }] }\n`)).toMatch(
      /alerts\.targets\[0\].*kind must be "webhook" \(JSON, HMAC-signed\) or "slack"/s,
    );
    expect(failure(`alerts: { targets: [{ kind: slack, url: "https://hooks.slack.com/services/T/B/x" }] }\n`)).toMatch(
      /alerts\.targets\[0\]\.url.*never written in the config in clear/s,
    );
    expect(failure(`alerts: { targets: [{ kind: webhook, url: "https://a.example.com" }] }\n`)).toMatch(
      /alerts\.targets\[0\]\.secret.*is required: write \{ env: VARIABLE \}/s,
    );
    expect(failure(`alerts: { targets: [], driftBelow: 95 }\n`)).toMatch(/alerts\.targets.*at least one target/s);
    expect(failure(`alerts: { targets: [{ kind: slack, url: { env: S } }], driftBelow: 95 }\n`)).toMatch(
      /alerts\.driftBelow/,
    );
    expect(failure(`history: { keepDays: 0 }\n`)).toMatch(/history\.keepDays/);
  });
});
