import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { main } from '../../../src/cli/main';
import {
  checkWritable,
  duration,
  encryptionOf,
  integer,
  positiveDuration,
  resolveCommon,
  singleRegion,
} from '../../../src/cli/options';
import { ConfigurationError, ExitCode, UsageError } from '../../../src/errors';
import { runMain } from '../support/cli';
import { awsError, resetMocks, stsMock } from '../support/mocks';

const ENV = { AWS_REGION: 'us-west-2' };
const run = (...args: string[]) => runMain(args);

describe('Function: resolveCommon', () => {
  const resolve = (extra: Record<string, unknown> = {}) =>
    resolveCommon(
      { env: 'dev', region: 'us-west-2', logLevel: 'info', logFormat: 'pretty', ...extra } as Parameters<
        typeof resolveCommon
      >[0],
      ENV,
    );

  it('resolves the home region and says where it came from', async () => {
    expect((await resolve({ homeRegion: 'ap-northeast-1' })).home).toEqual({
      region: 'ap-northeast-1',
      source: '--home-region',
    });
  });

  it('keeps --max-rps 0 as "no cap", and takes the default only when the option is absent', async () => {
    expect((await resolve({ maxRps: 0 })).clientSettings.maxRps).toBe(0);
    expect((await resolve({ maxRps: 7 })).clientSettings.maxRps).toBe(7);
    expect((await resolve()).clientSettings.maxRps).toBe(20);
  });

  it("gives restore's --write-rps to the clients as their write cap; 0 and absent leave writes uncapped", async () => {
    expect((await resolve({ writeRps: 3 })).clientSettings.maxWriteRps).toBe(3);
    expect((await resolve({ writeRps: 0 })).clientSettings).not.toHaveProperty('maxWriteRps');
    expect((await resolve()).clientSettings).not.toHaveProperty('maxWriteRps');
  });

  it('passes the profile and the interrupt signal to the clients, each only when there is one', async () => {
    expect((await resolve()).clientSettings).not.toHaveProperty('profile');
    expect((await resolve()).clientSettings).not.toHaveProperty('signal');
    const signal = new AbortController().signal;
    const dir = mkdtempSync(join(tmpdir(), 'profile-'));
    writeFileSync(join(dir, 'config'), '[profile ops]\nregion = eu-west-1\n');
    // The SDK's loader reads where the shared files are from the process environment.
    const saved = { ...process.env };
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'none');
    try {
      const resolved = await resolveCommon(
        { env: 'dev', region: 'us-west-2', profile: 'ops', logLevel: 'info', logFormat: 'pretty' } as Parameters<
          typeof resolveCommon
        >[0],
        { ...ENV, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') },
        signal,
      );
      expect(resolved.clientSettings).toMatchObject({ profile: 'ops', signal });
    } finally {
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the concurrency given, or 4', async () => {
    expect((await resolve({ concurrency: 9 })).clientSettings.concurrency).toBe(9);
    expect((await resolve()).clientSettings.concurrency).toBe(4);
  });
});

describe('Empty option values', () => {
  // Every option of every command that takes a value, read from the program itself, so an option
  // added later is covered without touching this test.
  const { buildProgram } = require('../../../src/cli/main') as typeof import('../../../src/cli/main');
  const { CommandContext } = require('../../../src/cli/context') as typeof import('../../../src/cli/context');
  const program = buildProgram(new CommandContext({ stdout: new PassThrough(), stderr: new PassThrough() }, {}));
  const cases = program.commands.flatMap((command) =>
    command.options
      .filter((option) => option.required || option.optional)
      .flatMap((option) => [
        [command.name(), option.long!, ''],
        [command.name(), option.long!, ' \t'],
      ]),
  );

  it('covers the options that can least afford to read blank as "not given"', () => {
    const named = cases.map(([command, option]) => `${command} ${option}`);
    for (const must of ['restore --at', 'restore --from', 'backup --region', 'diff --from', 'backup --kms-key-id'])
      expect(named).toContain(must);
  });

  it.each(cases)(
    '%s %s %p is a usage error (exit 2) naming the option, before any AWS call',
    async (cmd, option, value) => {
      // Were any AWS call made, it would fail on the refused endpoint with exit 1, not 2.
      const env = { AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' };
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const err: string[] = [];
      stderr.on('data', (d) => err.push(String(d)));
      // Everything else the command needs is given, so only the blank value can stop it.
      const needs = cmd === 'policy' ? ['--duty', 'audit', '--account-id', '123456789012'] : [];
      const code = await main(
        ['node', 'ssm-backup', cmd, '--env', 'dev', ...needs, option, value],
        { stdout, stderr },
        env,
      );
      expect(code).toBe(ExitCode.Usage);
      expect(err.join('')).toContain(`option '${option}`);
      expect(err.join('')).toMatch(/must not be empty/);
    },
  );

  it.each([
    ['--regions', 'us-west-2,,us-east-1'],
    ['--regions', 'us-west-2,'],
    ['--regions', ','],
  ])('an empty item in a list (%s %p) is a usage error', async (option, value) => {
    const result = await run('--env', 'dev', option, value, '--endpoint-url', 'http://127.0.0.1:1');
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(/--regions: .*(empty item|list is empty)/);
  });
});

describe('Help: what each command says about its options', () => {
  // The option descriptions are the tool's documentation on the agent: a change to any of them
  // shows up here, to be reviewed (`npx jest -u` records it).
  const { buildProgram } = require('../../../src/cli/main') as typeof import('../../../src/cli/main');
  const { CommandContext } = require('../../../src/cli/context') as typeof import('../../../src/cli/context');
  const program = buildProgram(new CommandContext({ stdout: new PassThrough(), stderr: new PassThrough() }, {}));

  it.each(program.commands.map((c) => [c.name(), c] as const))('%s --help', (_name, command) => {
    expect(command.helpInformation()).toMatchSnapshot();
  });
});

describe('Function: resolveCommon refuses, before any AWS call', () => {
  const resolve = (extra: Record<string, unknown>) =>
    resolveCommon(
      { env: 'dev', logLevel: 'info', logFormat: 'pretty', ...extra } as Parameters<typeof resolveCommon>[0],
      ENV,
    );
  const refused = async (extra: Record<string, unknown>) => {
    const error = await resolve(extra).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  };

  it('--region with --regions', async () => {
    expect(await refused({ region: 'us-west-2', regions: 'us-east-1' })).toBe(
      'use either --region or --regions, not both',
    );
  });

  it('an --endpoint-url that is not http(s)://host', async () => {
    for (const url of ['ftp://x', 'http://', 'https:// x', 'localhost:5000', ' http://x'])
      expect(await refused({ endpointUrl: url })).toBe(`--endpoint-url '${url}' is not an http(s) URL`);
    for (const url of ['http://127.0.0.1:5000', 'https://ssm.us-west-2.amazonaws.com/'])
      expect((await resolve({ endpointUrl: url })).clientSettings.endpointUrl).toBe(url);
  });

  it('a --role-arn that is no role, and its companions without it', async () => {
    expect(await refused({ roleArn: 'arn:aws:iam::123456789012:user/x' })).toMatch(
      /^--role-arn 'arn:aws:iam::123456789012:user\/x' is not an IAM role ARN/,
    );
    for (const extra of [{ externalId: 'e' }, { roleSessionName: 'ok-name' }])
      expect(await refused(extra)).toBe('--external-id and --role-session-name go with --role-arn');
  });

  it('a --role-session-name outside 2-64 of [\\w+=,.@-]', async () => {
    const roleArn = 'arn:aws:iam::123456789012:role/backup';
    for (const name of ['x', 'a'.repeat(65), 'has space', 'slash/no', ' ab'])
      expect(await refused({ roleArn, roleSessionName: name })).toBe(
        `--role-session-name '${name}' must be 2-64 of letters, digits and +=,.@_-`,
      );
  });

  it('an --account-id that is not exactly 12 digits', async () => {
    for (const id of ['12345678901', '1234567890123', 'x123456789012', '123456789012x'])
      expect(await refused({ accountId: id })).toBe(`--account-id '${id}' is not a 12-digit AWS account id`);
  });

  it('a bad --region, --regions item or --home-region, by name', async () => {
    expect(await refused({ region: 'mars-1' })).toMatch(/--region/);
    expect(await refused({ regions: 'us-west-2,mars-1' })).toMatch(/--regions/);
    expect(await refused({ homeRegion: 'mars-1' })).toMatch(/--home-region/);
  });
});

describe('Function: resolveCommon, the identity (--role-arn, --account-id) on mocked STS', () => {
  const ROLE = 'arn:aws:iam::210987654321:role/ssm-backup';
  beforeEach(resetMocks);
  const resolve = (extra: Record<string, unknown>, environment: NodeJS.ProcessEnv = ENV) =>
    resolveCommon(
      { env: 'dev', region: 'eu-west-1', logLevel: 'info', logFormat: 'pretty', ...extra } as Parameters<
        typeof resolveCommon
      >[0],
      { ...environment, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
    );
  const assumed = (account: string) => ({
    Credentials: {
      AccessKeyId: 'a',
      SecretAccessKey: 'b',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3_600_000),
    },
    AssumedRoleUser: { Arn: `arn:aws:sts::${account}:assumed-role/ssm-backup/s`, AssumedRoleId: 'X:s' },
  });

  it('without either, no identity and no STS call', async () => {
    const resolved = await resolve({});
    expect(resolved).not.toHaveProperty('identity');
    expect(resolved.clientSettings).not.toHaveProperty('credentials');
    expect(stsMock.calls()).toHaveLength(0);
  });

  it('assumes the role with the session name and external id, and signs with its credentials', async () => {
    stsMock.on(AssumeRoleCommand).resolves(assumed('210987654321'));
    const resolved = await resolve({ roleArn: ROLE, externalId: 'ext', roleSessionName: 'nightly' });
    expect(resolved.identity).toEqual({ roleArn: ROLE, sessionName: 'nightly', account: '210987654321' });
    expect(resolved.clientSettings.credentials).toEqual(expect.any(Function));
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'nightly',
      ExternalId: 'ext',
      DurationSeconds: expect.any(Number),
    });
  });

  it('names the session after the environment and BUILD_TAG when not given; no ExternalId when none', async () => {
    stsMock.on(AssumeRoleCommand).resolves(assumed('210987654321'));
    const resolved = await resolve({ roleArn: ROLE }, { ...ENV, BUILD_TAG: 'jenkins-ssm-backup-42' });
    expect(resolved.identity?.sessionName).toMatch(/^ssm-backup-dev-jenkins-ssm-backup-42/);
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]!.args[0].input).not.toHaveProperty('ExternalId');
  });

  it('a role the caller may not assume is a configuration error (exit 2) naming it; other errors stay theirs', async () => {
    stsMock.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'not authorized', 403));
    const error = await resolve({ roleArn: ROLE }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^cannot assume arn:aws:iam::210987654321:role\/ssm-backup \(AccessDenied\)/,
    );
    stsMock.on(AssumeRoleCommand).rejects(awsError('ValidationException', 'bad', 400));
    expect(await resolve({ roleArn: ROLE }).catch((e: unknown) => e)).not.toBeInstanceOf(ConfigurationError);
  });

  it('--account-id: the role of another account, or credentials of another, are refused (exit 2)', async () => {
    stsMock.on(AssumeRoleCommand).resolves(assumed('210987654321'));
    const error = await resolve({ roleArn: ROLE, accountId: '111111111111' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      `the credentials are in account 210987654321 (${ROLE}), not the target's 111111111111: nothing was listed or written`,
    );
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '222222222222' });
    const other = await resolve({ accountId: '111111111111' }).catch((e: unknown) => e);
    expect((other as Error).message).toBe(
      "the credentials are in account 222222222222, not the target's 111111111111: nothing was listed or written",
    );
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    expect((await resolve({ accountId: '111111111111' })).identity).toEqual({ account: '111111111111' });
  });
});

describe('Function: singleRegion', () => {
  it('--region, else the home region, else a configuration error naming both ways', () => {
    const clientSettings = { concurrency: 1, maxRps: 0 };
    expect(
      singleRegion({
        env: 'dev',
        regions: ['eu-west-1'],
        home: { region: 'us-west-2', source: 'option' } as never,
        clientSettings,
      }),
    ).toBe('eu-west-1');
    expect(singleRegion({ env: 'dev', home: { region: 'us-west-2', source: 'option' } as never, clientSettings })).toBe(
      'us-west-2',
    );
    expect(() => singleRegion({ env: 'dev', clientSettings })).toThrow(ConfigurationError);
    expect(() => singleRegion({ env: 'dev', clientSettings })).toThrow(
      /^no region: give --region, or set a home region/,
    );
  });
});

describe('Function: checkWritable (a result file, checked before any work)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writable-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts "-", a new file, an existing file, and a file in folders yet to be made (made now)', async () => {
    await expect(checkWritable('-', '--summary-file')).resolves.toBeUndefined();
    await expect(checkWritable(join(dir, 'new.json'), '--summary-file')).resolves.toBeUndefined();
    writeFileSync(join(dir, 'old.json'), '{}');
    await expect(checkWritable(join(dir, 'old.json'), '--summary-file')).resolves.toBeUndefined();
    await checkWritable(join(dir, 'a', 'b', 'c.json'), '--summary-file');
    expect(statSync(join(dir, 'a', 'b')).isDirectory()).toBe(true);
    expect(existsSync(join(dir, 'a', 'b', 'c.json'))).toBe(false);
  });

  it('refuses a folder, a path under a file, and the kernel file systems, naming the option and path', async () => {
    await expect(checkWritable(dir, '--summary-file')).rejects.toThrow(
      new UsageError(`--summary-file ${dir} is a directory; give a file path`),
    );
    writeFileSync(join(dir, 'file'), 'x');
    const under = join(dir, 'file', 'deeper', 'x.json');
    await expect(checkWritable(under, '--out')).rejects.toThrow(
      new UsageError(`--out ${under} cannot be written: ${join(dir, 'file')} is a file`),
    );
    await expect(checkWritable('/proc/self/x/y.json', '--out')).rejects.toThrow(
      /is a kernel file system, not a folder$/,
    );
    await expect(checkWritable('/sys/y.json', '--out')).rejects.toThrow(
      new UsageError('--out /sys/y.json cannot be written: /sys is a kernel file system, not a folder'),
    );
  });

  it('a folder merely named proc or sys elsewhere is an ordinary folder', async () => {
    for (const name of ['proc', 'sys']) {
      await expect(checkWritable(join(dir, name, 'out.json'), '--out')).resolves.toBeUndefined();
      expect(statSync(join(dir, name)).isDirectory()).toBe(true);
    }
  });
});

describe('Functions: integer, duration, positiveDuration (option values)', () => {
  it('integer takes whole numbers within the bounds, both included', () => {
    const n = integer(1, 64);
    expect(n('1')).toBe(1);
    expect(n('64')).toBe(64);
    for (const bad of ['0', '65', '1.5', 'x', '']) expect(() => n(bad)).toThrow('expected a whole number from 1 to 64');
  });

  it('duration reads s, m, h and d, decimals included, trimmed', () => {
    expect(duration('3600s')).toBe(3_600_000);
    expect(duration('90m')).toBe(5_400_000);
    expect(duration(' 26h ')).toBe(93_600_000);
    expect(duration('2d')).toBe(172_800_000);
    expect(duration('1.5m')).toBe(90_000);
    for (const bad of ['26', 'h', '1.m', '1w', '1h30m', 'x1h', '1hx'])
      expect(() => duration(bad)).toThrow('expected a duration such as 26h, 90m or 2d');
  });

  it('positiveDuration wants at least a second', () => {
    expect(positiveDuration('1s')).toBe(1_000);
    expect(() => positiveDuration('0.5s')).toThrow('expected a duration of at least 1s, such as 9m');
    expect(() => positiveDuration('0s')).toThrow('at least 1s');
  });
});

describe('Function: encryptionOf', () => {
  it('a KMS key when one is given, else SSE-S3', () => {
    expect(encryptionOf('alias/backup')).toEqual({ kind: 'aws:kms', keyId: 'alias/backup' });
    expect(encryptionOf(undefined)).toEqual({ kind: 'AES256' });
    expect(encryptionOf('')).toEqual({ kind: 'AES256' });
  });
});

describe('The remaining edges of the shared options', () => {
  it('help ends with the examples, one per line, indented', async () => {
    const help = (await run('list', '--help')).stdout;
    expect(help).toContain(
      '\nExamples:\n  ssm-backup list --env dev --region us-west-2\n  ssm-backup list --env dev --region us-west-2 --json\n',
    );
  });

  it.each(['AccessDenied', 'AccessDeniedException', 'InvalidClientTokenId', 'ValidationError'])(
    'a role refused with %s is a configuration error',
    async (code) => {
      resetMocks();
      stsMock.on(AssumeRoleCommand).rejects(awsError(code, 'no', 403));
      const error = await resolveCommon(
        {
          env: 'dev',
          region: 'eu-west-1',
          roleArn: 'arn:aws:iam::210987654321:role/r',
          logLevel: 'info',
          logFormat: 'pretty',
        } as Parameters<typeof resolveCommon>[0],
        { ...ENV, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toBe(
        `cannot assume arn:aws:iam::210987654321:role/r (${code}): check the role's trust policy names this ` +
          "caller (and the external id), and that the caller's policy allows sts:AssumeRole on it",
      );
    },
  );

  it('no region at all: the whole message says how to set one', () => {
    expect(() => singleRegion({ env: 'dev', clientSettings: { concurrency: 1, maxRps: 0 } })).toThrow(
      new ConfigurationError(
        'no region: give --region, or set a home region (--home-region, AWS_REGION, AWS_DEFAULT_REGION or the ' +
          "profile's region)",
      ),
    );
  });

  it('a folder named proc or sys elsewhere is an ordinary folder; a decimal duration takes two digits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'writable-'));
    try {
      await expect(checkWritable(join(dir, 'proc', 'x.json'), '--out')).resolves.toBeUndefined();
      await expect(checkWritable(join(dir, 'sys'), '--out')).resolves.toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(duration('1.25m')).toBe(75_000);
  });
});
