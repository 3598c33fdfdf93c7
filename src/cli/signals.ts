/** For commands that only read (logs --follow): Ctrl-C or SIGTERM just stops them. */
export function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => (controller.signal.aborted ? process.exit(130) : controller.abort());
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

/** An AbortSignal that fires on the first Ctrl-C or SIGTERM; a second Ctrl-C exits at once. */
export function interruptSignal(stderr: (text: string) => void): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    stderr('\ninterrupted: cancelling safely (press Ctrl-C again to exit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}
