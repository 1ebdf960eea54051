import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('types', () => {
  it('compile against Express 4 and Express 5 (tsc on test/types/both-majors.ts)', () => {
    const dir = mkdtempSync(join(root, 'node_modules', '.express-types-'));
    try {
      const config = join(dir, 'tsconfig.json');
      writeFileSync(config, JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { noEmit: true, baseUrl: root },
        include: [join(root, 'packages/express/test/types/both-majors.ts')],
      }));
      let output = '';
      try {
        execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], { encoding: 'utf8' });
      } catch (err) {
        output = String((err as { stdout?: string }).stdout ?? err);
      }
      expect(output).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
