import * as assert from 'node:assert/strict';
import { parseDeployConfig } from '../../../src/core/config/load';
import { errors, yml } from './environmentYml';

const managed = 'restart: sudo sv restart shop\n';

describe('config: shared_paths', () => {
  it('reads each entry with its line, trailing slashes dropped', () => {
    const { config, findings } = parseDeployConfig(yml(`${managed}shared_paths:\n  - priv/static/uploads/\n  - storage`));
    assert.deepEqual(findings, []);
    assert.deepEqual(config!.environments.production.sharedPaths, [{ path: 'priv/static/uploads', line: 8 }, { path: 'storage', line: 9 }]);
  });

  it('refuses absolute paths, "..", the release\'s own directories, duplicates and overlaps, each at its line', () => {
    assert.deepEqual(errors(yml(`${managed}shared_paths:\n  - /var/uploads\n  - priv/../etc\n  - lib\n  - priv\n  - "up loads"\n  - uploads\n  - uploads/big\n  - 7`)), [
      '8: environments.production.shared_paths[0] "/var/uploads" must be relative: priv/… is in the app\'s priv dir, anything else in the release root',
      '9: environments.production.shared_paths[1] "priv/../etc" must be a relative path of letters, digits and ._- segments, without "." or ".."',
      '10: environments.production.shared_paths[2] "lib" is part of every release; share a directory below it (e.g. priv/static/uploads)',
      '11: environments.production.shared_paths[3] "priv" is part of every release; share a directory below it (e.g. priv/static/uploads)',
      '12: environments.production.shared_paths[4] "up loads" must be a relative path of letters, digits and ._- segments, without "." or ".."',
      '14: environments.production.shared_paths[6] uploads/big overlaps uploads; list only one of them',
      '15: environments.production.shared_paths[7] must be a directory path relative to the release, e.g. priv/static/uploads',
    ]);
    assert.deepEqual(errors(yml(`${managed}shared_paths: priv/static/uploads`)), ['7: environments.production.shared_paths must be a list of directories, e.g. [priv/static/uploads]']);
  });
});
