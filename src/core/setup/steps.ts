/** setup's named steps. Nothing changes on any host before `confirm`, and only what differs after it. */
import { type Step } from '../plan/types';
import { UserError, CancelledError } from '../errors';
import { onHosts, runOn } from '../fleet/hosts';
import { describePerHost, local, noted, when, work } from '../plan/describe';
import { liveSlotOf } from '../host/nginx';
import { CP, NGINX, SYSTEMCTL, SLOT_NAMES, type SlotName } from '../host/spec';
import type { Command } from '../shell';
import { describeTarget } from '../ssh/targetText';
import { describeEdit, fileChanges, foreignEdits } from './changes';
import { applyAction, applyGroup, changed } from './apply';
import { certificateInspection, certificatePending, certificatePreview, inspectCertificate, planCertificates } from './acmeSteps';
import { desiredDirectories, desiredFiles } from './files';
import {
  createSharedEnvCommand, daemonReloadCommand, enableCommand, inspectSetupCommand, joinJournalGroupCommand,
  JOURNAL_GROUP, makeDirectoriesCommand, parseSetupFacts, reloadNginxCommand, sudoCheckCommand, VISUDO,
} from './remote';
import type { SetupHostState, SetupState } from './types';
import { describeUnitRuntime, missingOn, parseRuntimeFacts, runtimeQueryCommand } from './packages';
import { ANY_EXIT, commandQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';


export const connectStep: Step<SetupState> = {
  name: 'connect',
  title: 'Connect over SSH (verify host keys)',
  describe: (state) => describePerHost(state.hosts, (h) => describeTarget(h.target).map(work)),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      h.conn = await state.deps.connect(h.target, ctx.signal);
      ctx.note(`connected as ${h.target.target.user}, host key ${h.conn.fingerprint}`, 'info', h.target.key);
    });
  },
};

/** `sudo -n` must work before anything is read or written: say who needs which right, and stop. */
export const rightsStep: Step<SetupState> = {
  name: 'rights',
  title: 'Check that sudo -n works',
  describe: (state) => describePerHost(state.hosts, () => [sudoCheckCommand()]),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      const result = await runQuery(h, commandQuery('checking sudo -n', sudoCheckCommand(), ANY_EXIT), { signal: ctx.signal }); // a refusal is told below
      if (result.code === 0) return;
      const said = result.stderr.trim().split('\n')[0] || `exit ${result.code}`;
      const admin = h.target.target.user;
      throw new UserError(`${admin} may not run commands as root without a password on ${h.target.key} (sudo said: ${said}). ` +
        `setup needs a user allowed to run any command with \`sudo -n\` (e.g. a sudoers line \`${admin} ALL=(ALL) NOPASSWD: ALL\`), ` +
        `or run it as such a user with --admin USER. Deploys afterwards need only the rights setup grants to ${state.host.user}. Nothing was changed.`,
      { host: h.target.key });
    });
  },
};

function managedPaths(state: SetupState): string[] {
  const slotFiles = desiredFiles(state.host, undefined).map((f) => f.path);
  return [...new Set(slotFiles)];
}

/** One round trip: the managed files, the link, the TLS files, the directories, the user and the tools. */
function inspectCommandOf(state: SetupState): Command {
  const host = state.host;
  const tls = host.proxy?.tls;
  return inspectSetupCommand(host.user, host.paths.root, managedPaths(state),
    { link: host.proxy?.siteLink, certificate: tls?.certificate, key: tls?.key, dirs: desiredDirectories(host) });
}

/** Reads every managed file, the layout and the tools, then works out what would change. */
export const inspectStep: Step<SetupState> = {
  name: 'inspect',
  title: 'Read what is on each host',
  describe: (state) => describePerHost(state.hosts, () => {
    const runtime = state.host.runtime;
    const query = runtime && runtime.packages.length + runtime.locales.length > 0 ? runtimeQueryCommand(runtime.packages) : undefined;
    return [inspectCommandOf(state), certificateInspection(state), query && noted(query, 'what is installed already')];
  }),
  async run(ctx, state) {
    const host = state.host;
    await onHosts(state.hosts, async (h) => {
      const tls = host.proxy?.tls;
      const result = await runOn(h, inspectCommandOf(state), ctx, 'reading the host');
      const facts = parseSetupFacts(result.stdout);
      if (!facts.complete) throw new UserError(`${h.target.key} answered only part of setup's inspection`, { host: h.target.key });
      h.facts = facts;
      if (!facts.userExists) {
        throw new UserError(`${h.target.key} has no user ${host.user}: create it (with the SSH key deploys use in ~${host.user}/.ssh/authorized_keys), then run setup again. Nothing was changed.`, { host: h.target.key });
      }
      const needed = [SYSTEMCTL, VISUDO, CP, ...(host.proxy ? [NGINX] : [])];
      const missing = needed.filter((t) => !facts.tools.includes(t));
      if (missing.length > 0) {
        throw new UserError(`${h.target.key} lacks ${missing.join(', ')}${missing.includes(NGINX) ? ' (install nginx, e.g. apt-get install nginx-light)' : ''}; setup manages systemd and nginx hosts. Nothing was changed.`, { host: h.target.key });
      }
      if (tls && !tls.acme && (!facts.tls.certificate || !facts.tls.key)) {
        const absent = [!facts.tls.certificate ? tls.certificate : undefined, !facts.tls.key ? tls.key : undefined].filter(Boolean).join(' and ');
        throw new UserError(`${h.target.key} has no readable ${absent}: get the certificate first (e.g. certbot certonly), then run setup again. Nothing was changed.`, { host: h.target.key });
      }
      await inspectCertificate(h, state, ctx);
      const live = liveSlotOf(host.proxy ? facts.files.get(host.proxy.upstreamFile) : undefined);
      h.files = fileChanges(desiredFiles(host, SLOT_NAMES.find((s): s is SlotName => s === live), { httpOnly: h.httpOnly }), facts.files);
      h.dirs = desiredDirectories(host).filter((d) => facts.dirs.get(d) !== host.user);
      h.createEnv = !facts.sharedEnv;
      h.joinJournal = facts.journalGroup && !facts.groups.includes(JOURNAL_GROUP);
      if (host.runtime && host.runtime.packages.length + host.runtime.locales.length > 0) {
        const answer = await runOn(h, runtimeQueryCommand(host.runtime.packages), ctx, 'reading installed packages and locales');
        h.missing = missingOn(host.runtime, parseRuntimeFacts(answer.stdout));
      }
      if (!facts.journalGroup) ctx.note(`${h.target.key} has no ${JOURNAL_GROUP} group: \`phoenix-deploy logs\` will not be able to read journald there`, 'warning', h.target.key);
    });
    planCertificates(state, ctx);
    const edits = state.hosts.flatMap((h) => foreignEdits(h.files).map((c) => ({ host: h.target.key, change: c })));
    if (edits.length > 0 && !state.force) {
      throw new UserError(`setup will not overwrite files changed by someone else (pass --force to replace them; even --yes does not):\n` +
        edits.map((e) => `${e.host}: ${describeEdit(e.change)}\n${e.change.diff ?? ''}`).join('\n'), { host: edits[0].host });
    }
    state.pending = state.hosts.some((h) => h.files.some((f) => f.action !== 'keep') || h.dirs.length > 0 || h.createEnv || h.joinJournal || certificatePending(h) ||
      h.missing.packages.length + h.missing.locales.length > 0);
  },
};

/** A person sees every change (diffs for existing files) and agrees, unless there is nothing to do. */
export const confirmStep: Step<SetupState> = {
  name: 'confirm',
  title: 'Show the changes and confirm',
  describe: () => local(['show what would be created or changed (a diff for each existing file), then ask unless --yes']),
  async run(ctx, state) {
    if (!state.pending) {
      ctx.note(`nothing to change: ${state.hosts.length === 1 ? 'the host is' : `all ${state.hosts.length} hosts are`} already set up`);
      return;
    }
    const preview = previewOf(state);
    ctx.output(preview.text);
    if (!(await state.confirm(preview))) throw new CancelledError('setup not confirmed; nothing was changed');
  },
};

function previewOf(state: SetupState) {
  const hosts = state.hosts.map((h) => ({
    host: h.target.key,
    create: [...h.dirs.map((d) => `${d}/`), ...(h.createEnv ? [state.host.paths.sharedEnv] : []), ...h.files.filter((f) => f.action === 'create').map((f) => f.path)],
    update: h.files.filter((f) => f.action === 'update').map((f) => f.path),
    groups: h.joinJournal ? [JOURNAL_GROUP] : [],
    install: h.missing.packages,
    locales: h.missing.locales,
  }));
  const text = state.hosts.map((h, i) => {
    const { create, update, groups, install, locales } = hosts[i];
    const certificate = certificatePreview(state, h);
    if (create.length + update.length + groups.length + certificate.length + install.length + locales.length === 0) return `${h.target.key}: nothing to change\n`;
    const stage = state.host.runtime?.finalStage?.file ?? 'Dockerfile';
    return [`${h.target.key}:`, ...create.map((p) => `  create ${p}`), ...update.map((p) => `  update ${p}`), ...certificate,
      ...groups.map((g) => `  add ${state.host.user} to group ${g} (so \`logs\` can read the app's journal)`),
      ...(install.length ? [`  install ${install.join(' ')} (apt-get; ${stage}'s final stage installs them)`] : []),
      ...(locales.length ? [`  generate locale ${locales.join(' ')} (locale-gen; ${stage}'s final stage does)`] : []),
      ...h.files.filter((f) => f.diff).map((f) => f.diff!)].join('\n');
  }).join('\n');
  return { text: text.endsWith('\n') ? text : `${text}\n`, hosts };
}

/** What the directories step runs on a host inspect has read: the directories it lacks, then shared/env if absent. */
function directoryCommands(state: SetupState, h: SetupHostState): { dirs?: Command; env?: Command } {
  return {
    dirs: h.dirs.length > 0 ? makeDirectoriesCommand(state.host.user, h.dirs) : undefined,
    env: h.createEnv ? createSharedEnvCommand(state.host.user, state.host.paths.sharedEnv) : undefined,
  };
}

export const directoriesStep: Step<SetupState> = {
  name: 'directories',
  title: 'Create the directories and shared/env',
  describe: (state) => describePerHost(state.hosts, (h) => {
    if (h.facts) return Object.values(directoryCommands(state, h));
    return [when(makeDirectoriesCommand(state.host.user, desiredDirectories(state.host)), `only those missing or not owned by ${state.host.user}`),
      when(createSharedEnvCommand(state.host.user, state.host.paths.sharedEnv), 'only if missing; never overwritten')];
  }),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      const { dirs, env } = directoryCommands(state, h);
      if (dirs) await runOn(h, dirs, ctx, 'creating directories');
      if (env) {
        await runOn(h, env, ctx, 'creating shared/env');
        ctx.note(`created an empty ${state.host.paths.sharedEnv} (mode 0600): put the app's settings there`, 'info', h.target.key);
      }
      if (dirs || env) state.changed = true;
    });
  },
};

/** journald's group, so the deploy user reads the app's logs without any sudo right. */
export const journalStep: Step<SetupState> = {
  name: 'journal',
  title: `Let the deploy user read the app's journal (group ${JOURNAL_GROUP})`,
  describe: (state) => describePerHost(state.hosts, (h) => {
    const join = joinJournalGroupCommand(state.host.user);
    if (h.facts) return [h.joinJournal ? join : undefined];
    return [when(join, 'only if not a member yet')];
  }),
  async run(ctx, state) {
    await onHosts(state.hosts.filter((h) => h.joinJournal), async (h) => {
      await runOn(h, joinJournalGroupCommand(state.host.user), ctx, `adding ${state.host.user} to ${JOURNAL_GROUP}`);
      state.changed = true;
      ctx.note(`${state.host.user} may now read the journal (${JOURNAL_GROUP})`, 'info', h.target.key);
    });
  },
};

export const serviceStep: Step<SetupState> = {
  name: 'service',
  title: 'Install the systemd units',
  finishOnCancel: true,
  describe: (state) => describePerHost(state.hosts, (h) => {
    const apply = applyAction(h, state, 'service', 'none');
    if (!apply) return [];
    const after = [daemonReloadCommand(), ...(state.host.serviceUnit ? [enableCommand(state.host.serviceUnit)] : [])];
    if (h.facts) return [apply, ...after];
    return [...describeUnitRuntime(state.host.runtime, state.host.app).map((l) => work(`# ${l}`)), apply,
      ...after.map((c) => when(c, 'after any change')), ...(state.host.serviceUnit ? [] : [work('(each deploy enables the slot it makes live)')])];
  }),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      const files = changed(h, 'service');
      if (files.length === 0) return;
      await applyGroup(h, state, files, 'none', ctx);
      await runOn(h, daemonReloadCommand(), ctx, 'systemctl daemon-reload');
      // Enabled, so a reboot brings the app back; blue/green enables the live slot at each switch.
      if (state.host.serviceUnit) await runOn(h, enableCommand(state.host.serviceUnit), ctx, `enabling ${state.host.serviceUnit}`);
    });
  },
};

export const sudoersStep: Step<SetupState> = {
  name: 'sudoers',
  title: 'Install the sudoers drop-in (checked with visudo -cf first)',
  finishOnCancel: true,
  describe: (state) => describePerHost(state.hosts, (h) => [applyAction(h, state, 'sudoers', 'visudo')]),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      const files = changed(h, 'sudoers');
      if (files.length > 0) await applyGroup(h, state, files, 'visudo', ctx);
    });
  },
};

export const proxyStep: Step<SetupState> = {
  name: 'proxy',
  title: 'Install the nginx site (nginx -t, then reload)',
  finishOnCancel: true,
  describe: (state) => {
    const proxy = state.host.proxy;
    if (!proxy) return [];
    return describePerHost(state.hosts, (h) => {
      const apply = applyAction(h, state, 'proxy', 'nginx', { target: proxy.siteFile, path: proxy.siteLink });
      return apply ? [apply, h.facts ? reloadNginxCommand() : when(reloadNginxCommand(), 'after any change')] : [];
    });
  },
  async run(ctx, state) {
    const proxy = state.host.proxy;
    if (!proxy) return;
    await onHosts(state.hosts, async (h) => {
      const files = changed(h, 'proxy');
      const linked = h.facts?.link !== undefined;
      if (files.length === 0 && linked) return;
      await applyGroup(h, state, files, 'nginx', ctx, { target: proxy.siteFile, path: proxy.siteLink });
      if (!linked) ctx.note(`enabled the site: ${proxy.siteLink}`, 'info', h.target.key);
      await runOn(h, reloadNginxCommand(), ctx, 'reloading nginx');
    });
  },
};
