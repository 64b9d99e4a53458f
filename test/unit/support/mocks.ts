import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { type Parameter, type ParameterMetadata, SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { CallStats } from '../../../src/aws/callStats';
import type { RegionClients } from '../../../src/aws/clients';
import { Pacer } from '../../../src/aws/pacer';
import type { BackedUpParameter } from '../../../src/types';

/** Mocks for every client class; each test file calls `resetMocks()` in beforeEach. */
export const ssmMock = mockClient(SSMClient);
export const s3Mock = mockClient(S3Client);
export const stsMock = mockClient(STSClient);
export const cloudwatchMock = mockClient(CloudWatchClient);

export function resetMocks(): void {
  ssmMock.reset();
  s3Mock.reset();
  stsMock.reset();
  cloudwatchMock.reset();
  // Unscripted, PutMetricData answers nothing: published.
  cloudwatchMock.onAnyCommand().resolves({});
}

/** Clients for one region, as createRegionClients makes them, minus the network. */
export function regionClients(region = 'us-west-2'): RegionClients {
  return {
    region,
    ssm: new SSMClient({ region }),
    s3: new S3Client({ region }),
    sts: new STSClient({ region }),
    cloudwatch: new CloudWatchClient({ region }),
    stats: new CallStats(),
    pacer: new Pacer({ maxInFlight: 4 }),
  };
}

export function awsError(name: string, message = name, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode }, $fault: 'client' });
}

export function meta(name: string, extra: Partial<ParameterMetadata> = {}): ParameterMetadata {
  return { Name: name, Type: 'String', Version: 1, Tier: 'Standard', DataType: 'text', ...extra };
}

export function param(name: string, value = `v:${name}`, extra: Partial<Parameter> = {}): Parameter {
  return {
    Name: name,
    Type: 'String',
    Value: value,
    Version: 1,
    DataType: 'text',
    ARN: `arn:aws:ssm:us-west-2:123456789012:parameter${name}`,
    ...extra,
  };
}

/** A backed-up parameter whose value is recognisably secret, so a leak check can look for it. */
export function backedUp(name: string, extra: Partial<BackedUpParameter> = {}): BackedUpParameter {
  return { Name: name, Type: 'String', Value: `SECRET-${name}`, Tier: 'Standard', DataType: 'text', ...extra };
}
