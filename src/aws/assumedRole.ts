import type { STSClient } from '@aws-sdk/client-sts';
import { ConfigurationError } from '../errors';
import { lazySdk } from './sdk';

/** `--role-arn`: a role in the target account, assumed before any other call. */
export interface RoleToAssume {
  roleArn: string;
  externalId?: string;
  sessionName: string;
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** `arn:aws:iam::123456789012:role/path/name`, in any partition. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;

/** The account a role ARN names, or undefined when it is not a role ARN. */
export const roleAccount = (arn: string): string | undefined => ROLE_ARN.exec(arn)?.[1];

/** An hour: AssumeRole's default, and every role allows at least that. */
const SESSION_SECONDS = 3_600;
/** Renewed this long before they expire, so no call is signed with credentials about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * Credentials of the assumed role, renewed before they expire on a long run: a provider the SDK
 * clients call before each request (cheap: it answers from its cache until renewal is due). What it
 * records (role, account, session name) goes into the summary; the credentials never do.
 */
export class AssumedRole {
  private current?: TemporaryCredentials;
  private renewing?: Promise<TemporaryCredentials>;
  /** The account of the assumed session, from AssumeRole's own answer (no extra call). */
  account?: string;
  /** How many times the role was assumed (1 on a short run). */
  assumed = 0;

  constructor(
    readonly role: RoleToAssume,
    private readonly sts: () => STSClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The credential provider the clients use. */
  readonly provider = (): Promise<TemporaryCredentials> => {
    if (this.current && this.current.expiration.getTime() - RENEW_BEFORE_MS > this.now())
      return Promise.resolve(this.current);
    this.renewing ??= this.assume().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  };

  private async assume(): Promise<TemporaryCredentials> {
    const { AssumeRoleCommand } = lazySdk.sts();
    const out = await this.sts().send(
      new AssumeRoleCommand({
        RoleArn: this.role.roleArn,
        RoleSessionName: this.role.sessionName,
        DurationSeconds: SESSION_SECONDS,
        ...(this.role.externalId ? { ExternalId: this.role.externalId } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new ConfigurationError(`AssumeRole of ${this.role.roleArn} gave no credentials`);
    this.assumed++;
    this.account =
      /:(\d{12}):assumed-role\//.exec(out.AssumedRoleUser?.Arn ?? '')?.[1] ?? roleAccount(this.role.roleArn);
    this.current = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration ?? new Date(this.now() + SESSION_SECONDS * 1000),
    };
    return this.current;
  }
}

/** A session name IAM accepts (2-64 of `[\w+=,.@-]`), naming the environment and, in Jenkins, the build. */
export function defaultSessionName(env: string, environment: NodeJS.ProcessEnv): string {
  const build = environment.BUILD_TAG ?? (environment.BUILD_NUMBER ? `build-${environment.BUILD_NUMBER}` : 'cli');
  return `ssm-backup-${env}-${build}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}
