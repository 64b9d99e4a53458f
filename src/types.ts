/** The parameter types SSM has; a backup holding any other is refused (backup/document.ts). */
export const PARAMETER_TYPES = ['String', 'StringList', 'SecureString'] as const;

/** One parameter as stored in a backup: everything needed to put it back exactly (README, "The runner": What). */
export interface BackedUpParameter {
  Name: string;
  Type: (typeof PARAMETER_TYPES)[number];
  Value: string;
  Version?: number;
  LastModifiedDate?: string;
  ARN?: string;
  DataType?: string;
  Description?: string;
  KeyId?: string;
  Tier?: 'Standard' | 'Advanced' | 'Intelligent-Tiering';
  AllowedPattern?: string;
  Policies?: { PolicyText?: string; PolicyType?: string; PolicyStatus?: string }[];
  LastModifiedUser?: string;
  Tags?: { Key: string; Value: string }[];
}
