/** One parameter as stored in a backup: everything needed to put it back exactly (README, "The runner": What). */
export interface BackedUpParameter {
  Name: string;
  Type: 'String' | 'StringList' | 'SecureString';
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

export type ParameterType = BackedUpParameter['Type'];
