import Docker from 'dockerode';
import type { PlanEvent } from '../../src/core/plan/types';

/** The test-run label on everything a build test creates, so it finds and removes exactly that. */
export const TEST_RUN_LABEL = 'dev.phoenix-deploy.test-run';

/** The engine's containers, images and volumes of one test run. */
export class LabelledResources {
  readonly docker = new Docker();
  readonly byLabel: { filters: { label: string[] } };

  constructor(readonly run: string) {
    this.byLabel = { filters: { label: [`${TEST_RUN_LABEL}=${run}`] } };
  }

  get labels(): Record<string, string> {
    return { [TEST_RUN_LABEL]: this.run };
  }

  containers() {
    return this.docker.listContainers({ all: true, ...this.byLabel });
  }

  async volumes(): Promise<string[]> {
    return ((await this.docker.listVolumes(this.byLabel)).Volumes ?? []).map((v) => v.Name).sort();
  }

  async removeAll(extraImages: string[] = []): Promise<void> {
    for (const c of await this.containers()) await this.docker.getContainer(c.Id).remove({ force: true });
    for (const image of await this.docker.listImages(this.byLabel)) await this.docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    for (const tag of extraImages) await this.docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    for (const volume of await this.volumes()) await this.docker.getVolume(volume).remove().catch(() => undefined);
  }
}

/**
 * BuildKit's cache mounts for `/app/_build` (the generated projects' target). They carry no label,
 * so a run notes the ones that exist before it and removes only those it added.
 */
export async function buildCacheMounts(docker: Docker): Promise<Set<string>> {
  const df = await docker.df() as { BuildCache?: Array<{ ID: string; Type: string; Description?: string }> };
  return new Set((df.BuildCache ?? []).filter((r) => r.Type === 'exec.cachemount' && r.Description?.startsWith('cached mount /app/_build ')).map((r) => r.ID));
}

export async function pruneCacheMountsAddedSince(docker: Docker, before: Set<string>): Promise<void> {
  for (const id of await buildCacheMounts(docker)) {
    if (before.has(id)) continue;
    // Not docker.pruneBuilder(): it drops its options, and an unfiltered prune removes every unused cache record.
    await new Promise<void>((resolve) => {
      docker.modem.dial({ path: '/build/prune?', method: 'POST', options: { filters: JSON.stringify({ id: [id] }) }, statusCodes: { 200: true } }, () => resolve());
    });
  }
}

/** The events of the last build, and what tests read from them. */
export class EventRecorder {
  events: PlanEvent[] = [];

  /** A fresh sink; `also` sees each event too. */
  sink(also?: (e: PlanEvent) => void): (e: PlanEvent) => void {
    this.events = [];
    return (e) => {
      this.events.push(e);
      also?.(e);
    };
  }

  output(): string {
    return this.events.flatMap((e) => (e.type === 'output' ? [e.text] : [])).join('');
  }

  notes(): string[] {
    return this.events.flatMap((e) => (e.type === 'note' ? [e.message] : []));
  }

  /** N of mix's `Compiling N files (.ex)`, or undefined when nothing was compiled. */
  compiled(): number | undefined {
    const m = /Compiling (\d+) files? \(\.ex\)/.exec(this.output());
    return m ? Number(m[1]) : undefined;
  }
}
