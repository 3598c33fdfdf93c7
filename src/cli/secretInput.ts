/**
 * A value for `env set KEY` without `=`: typed without echo on a terminal, otherwise read from
 * stdin (one trailing newline dropped). Either way it never appears on a command line.
 */
export async function readSecret(prompt: string, stderr: (text: string) => void): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  stderr(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (d: Buffer) => {
        for (const ch of d.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
          if (ch === '\x03') return finish(() => reject(Object.assign(new Error('cancelled'), { name: 'CancelledError' })));
          if (ch === '\x7f' || ch === '\b') value = [...value].slice(0, -1).join('');
          else value += ch;
        }
      };
      const finish = (then: () => void) => {
        stdin.off('data', onData);
        stderr('\n');
        then();
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
