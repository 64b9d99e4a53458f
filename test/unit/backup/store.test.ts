import { uploadProblems } from '../../../src/backup/store';

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
