import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { BackupStore, uploadProblems } from '../../../src/backup/store';
import { regionClients, resetMocks, s3Mock } from '../support/mocks';

const ARN = 'arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const sha = 'c2hhMjU2';

describe('Function: uploadProblems (the check of what PutObject answered)', () => {
  it('accepts the same checksum, encryption and key', () => {
    expect(
      uploadProblems(
        { ChecksumSHA256: sha, ServerSideEncryption: 'AES256' },
        { sha256Base64: sha, encryption: { kind: 'AES256' } },
      ),
    ).toEqual([]);
    expect(
      uploadProblems(
        { ChecksumSHA256: sha, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: ARN },
        { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId: ARN } },
      ),
    ).toEqual([]);
  });

  it('names a missing or different checksum, another encryption, another key', () => {
    expect(
      uploadProblems({ ServerSideEncryption: 'AES256' }, { sha256Base64: sha, encryption: { kind: 'AES256' } }),
    ).toEqual([`checksum missing != ${sha}`]);
    expect(
      uploadProblems({ ChecksumSHA256: sha }, { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId: ARN } }),
    ).toEqual(['encryption none != aws:kms']);
    const other = ARN.replace('1234abcd', 'ffffffff');
    expect(
      uploadProblems(
        { ChecksumSHA256: sha, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: other },
        { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId: ARN } },
      ),
    ).toEqual([`KMS key ${other} != ${ARN}`]);
  });

  it('matches a key asked for by id against the ARN S3 answers; an alias only to some key of the account', () => {
    const answer = { ChecksumSHA256: sha, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: ARN };
    const asked = (keyId: string) =>
      uploadProblems(answer, { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId } });
    expect(asked('1234abcd-12ab-34cd-56ef-1234567890ab')).toEqual([]);
    expect(asked('ffffffff-12ab-34cd-56ef-1234567890ab')).toHaveLength(1);
    expect(asked('alias/backup')).toEqual([]);
    expect(
      uploadProblems(
        { ...answer, SSEKMSKeyId: 'not-a-key' },
        { sha256Base64: sha, encryption: { kind: 'aws:kms', keyId: 'alias/backup' } },
      ),
    ).toHaveLength(1);
  });
});

describe('Class: BackupStore names the expected owner on every S3 call', () => {
  beforeEach(resetMocks);

  it('with an owner, each call it makes carries ExpectedBucketOwner; without one, none does', async () => {
    const body = () =>
      sdkStreamMixin(Readable.from([Buffer.from('2026-11-29/ssm-backup-dev-20261129_130000-aaaa0000.json')]));
    s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: body(), ETag: '"e"' }));
    s3Mock.on(HeadObjectCommand).resolves({ ContentLength: 1 });
    s3Mock.on(HeadBucketCommand).resolves({ BucketRegion: 'us-west-2' });
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3Mock.on(PutObjectCommand).resolves({});
    for (const owner of ['123456789012', undefined]) {
      s3Mock.resetHistory();
      const store = new BackupStore(regionClients().s3, 'b', owner);
      await store.check('us-west-2');
      await store.describe('k.json');
      await store.readLatest('dev');
      await store.open('k.json');
      await store.listBackups('dev');
      await store.moveLatestForward('2026-11-30/ssm-backup-dev-20261130_130000-bbbb0000.json', 3);
      const calls = s3Mock.calls().map((c) => c.args[0].input as { Bucket?: string; ExpectedBucketOwner?: string });
      expect(new Set(s3Mock.calls().map((c) => c.args[0].constructor.name))).toEqual(
        new Set([
          'HeadBucketCommand',
          'HeadObjectCommand',
          'GetObjectCommand',
          'ListObjectsV2Command',
          'PutObjectCommand',
        ]),
      );
      for (const input of calls) {
        expect(input.Bucket).toBe('b');
        if (owner) expect(input.ExpectedBucketOwner).toBe(owner);
        else expect(input).not.toHaveProperty('ExpectedBucketOwner');
      }
    }
  });
});
