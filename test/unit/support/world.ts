import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey } from '@aws-sdk/client-s3';
import {
  DescribeParametersCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { sdkStreamMixin } from '@smithy/util-stream';
import { buildDocument, encodeDocument } from '../../../src/backup/document';
import { backupObjectKey, ssmKeys } from '../../../src/contract';
import type { RunEvent } from '../../../src/run/events';
import { RegionSession } from '../../../src/run/region';
import type { BackedUpParameter } from '../../../src/types';
import { backedUp, meta, param, regionClients, s3Mock, ssmMock, stsMock } from './mocks';

const ACCOUNT = '123456789012';

interface StoredObject {
  body: Buffer;
  sha256Base64?: string;
  metadata?: Record<string, string>;
}

/**
 * One region as the orchestrators meet it, scripted on the SDK mocks: the stack's bucket key in
 * SSM, live parameters (listed, fetched, tagged, written), and a bucket holding backups and
 * latest.txt. Enough for a command's whole path with injected clients, without a network.
 */
export class UnitWorld {
  readonly live = new Map<string, BackedUpParameter>();
  readonly objects = new Map<string, StoredObject>();

  constructor(
    readonly env = 'dev',
    readonly region = 'us-west-2',
    readonly bucket = `bucket-${region}`,
  ) {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
    ssmMock.on(GetParametersCommand).callsFake((input: { Names: string[] }) => {
      const found = input.Names.flatMap((name) => {
        if (name === ssmKeys.regionBucket(this.env, this.region)) return [{ Name: name, Value: this.bucket }];
        const p = this.live.get(name);
        return p ? [param(name, p.Value, { Type: p.Type })] : [];
      });
      return { Parameters: found, InvalidParameters: input.Names.filter((n) => !found.some((f) => f.Name === n)) };
    });
    ssmMock.on(DescribeParametersCommand).callsFake(() => ({
      Parameters: [...this.live.values()].map((p) =>
        meta(p.Name, {
          Type: p.Type,
          ...(p.Description ? { Description: p.Description } : {}),
          ...(p.KeyId ? { KeyId: p.KeyId } : {}),
        }),
      ),
    }));
    ssmMock.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string }) => ({
      TagList: this.live.get(input.ResourceId)?.Tags ?? [],
    }));
    ssmMock.on(PutParameterCommand).callsFake((input: BackedUpParameter) => {
      this.live.set(input.Name, { Name: input.Name, Type: input.Type, Value: input.Value });
      return { Version: 1 };
    });
    s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      const object = this.object(input.Key);
      return {
        Body: sdkStreamMixin(Readable.from([object.body])),
        ETag: '"e"',
        ...(object.sha256Base64 ? { ChecksumSHA256: object.sha256Base64 } : {}),
        Metadata: object.metadata ?? {},
      };
    });
    s3Mock.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
      const object = this.object(input.Key);
      return { ContentLength: object.body.length, ChecksumSHA256: object.sha256Base64, Metadata: object.metadata };
    });
    s3Mock.on(ListObjectsV2Command).callsFake((input: { StartAfter?: string }) => ({
      Contents: [...this.objects.entries()]
        .filter(([key]) => !input.StartAfter || key > input.StartAfter)
        .map(([key, o]) => ({ Key: key, Size: o.body.length })),
    }));
  }

  /** Live SSM now. */
  setLive(parameters: BackedUpParameter[]): this {
    this.live.clear();
    for (const p of parameters) this.live.set(p.Name, p);
    return this;
  }

  /** A backup as the runner writes it; latest.txt points at it unless told otherwise. */
  putBackup(takenAt: string, parameters: BackedUpParameter[], options: { latest?: boolean } = {}): string {
    const startedAt = new Date(takenAt);
    const doc = buildDocument({ env: this.env, region: this.region, accountId: ACCOUNT, startedAt, parameters });
    const encoded = encodeDocument(doc);
    const key = backupObjectKey({ env: this.env, takenAt: startedAt, suffix: '0000beef' });
    this.objects.set(key, {
      body: Buffer.concat(encoded.chunks),
      sha256Base64: encoded.sha256Base64,
      metadata: { 'parameter-count': String(parameters.length) },
    });
    if (options.latest ?? true) this.objects.set('latest.txt', { body: Buffer.from(key) });
    return key;
  }

  private object(key: string): StoredObject {
    const object = this.objects.get(key);
    if (!object) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return object;
  }
}

/** A session of a command in `region` on mocked clients (one set per region), its events kept in `events`. */
export function unitSession(events: RunEvent[] = [], region = 'us-west-2'): RegionSession {
  const clients = new Map<string, ReturnType<typeof regionClients>>();
  return new RegionSession({
    env: 'dev',
    region,
    concurrency: 2,
    clientsFor: (r) => clients.get(r) ?? clients.set(r, regionClients(r)).get(r)!,
    listener: (event) => events.push(event),
  });
}

/** Two parameters with secret values, for the run and command tests. */
export const fixtureA = (extra: Partial<BackedUpParameter> = {}) =>
  backedUp('/app/dev/a', { Value: 'SECRET-a1', ...extra });
export const fixtureB = (extra: Partial<BackedUpParameter> = {}) =>
  backedUp('/app/dev/b', { Value: 'SECRET-b1', ...extra });

/** A backup holding A and B as latest; live SSM holds A, changed, and no B. */
export function driftedWorld(): UnitWorld {
  const world = new UnitWorld();
  world.putBackup('2026-11-29T13:00:00Z', [fixtureA(), fixtureB()]);
  world.setLive([fixtureA({ Value: 'SECRET-changed' })]);
  return world;
}
