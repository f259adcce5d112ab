/**
 * What every `tandem` command registration shares: the output, the --config option and the guard
 * that turns a command's outcome (or its error) into the process exit code.
 */
import { Option } from 'commander';
import { describeError, isConfigError } from '../../errors.js';
import { EXIT_RUN_FAILED, EXIT_USAGE } from '../exit-codes.js';
import type { Output } from '../output.js';

/** Handed to each command registration. */
export interface CommandContext {
  readonly out: Output;
  /** A fresh `-c, --config <file>` option (default `config.yaml`); commander needs one instance per command. */
  readonly configOption: () => Option;
  /** Wraps a command: its resolved exit code is kept; an error is printed and mapped to an exit code. */
  readonly guard: (action: () => Promise<number>) => () => Promise<void>;
}

/** A context whose guard reports each command's exit code to `setExitCode`. */
export function createCommandContext(out: Output, setExitCode: (code: number) => void): CommandContext {
  return {
    out,
    configOption: () => new Option('-c, --config <file>', 'config file').default('config.yaml'),
    guard: (action) => async () => {
      try {
        setExitCode(await action());
      } catch (error) {
        out.error(`tandem: ${describeError(error)}`);
        setExitCode(isConfigError(error) || isSecretOrUsage(error) ? EXIT_USAGE : EXIT_RUN_FAILED);
      }
    },
  };
}

function isSecretOrUsage(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'SECRET_MISSING' || error.code === 'USAGE')
  );
}
