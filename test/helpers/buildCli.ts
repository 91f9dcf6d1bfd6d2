/**
 * Global setup of the test runs: builds the CLI (dist-cli/, scripts/tools/build-cli.mjs, a
 * fraction of a second) so that the tests that spawn `bin/pixel-loom.mjs` run the current
 * sources, built as users get them, never a stale build.
 */
import { buildCli } from '../../scripts/tools/build-cli.mjs';

export default async function setup(): Promise<void> {
  await buildCli({ quiet: true });
}
