/**
 * A vitest reporter that ends the run with one line saying how many tests ran against the real
 * Tryton server (suites registered by `describeTryton`, named `[tryton] ...`), so a CI log shows
 * at a glance that they were not skipped.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class TrytonCountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        if (test.fullName.startsWith('[tryton]')) counts[test.result().state]++;
      }
    }
    const ran = counts.passed + counts.failed;
    console.log(
      `tryton (real server): ${ran} tests ran, ${counts.passed} passed, ${counts.failed} failed` +
        (counts.skipped + counts.pending > 0 ? `, ${counts.skipped + counts.pending} not run` : ''),
    );
  }
}
