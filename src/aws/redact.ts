/**
 * Service messages may echo request input ("Value '...' at 'value' failed to satisfy constraint").
 * Everything the tool reports about an AWS error passes through here first.
 */
const ECHOED_INPUT = /(Value|value|Parameter value|with value)\s*(\[|'|")[\s\S]*?(\]|'|")(?=\s|$|,|\.|;)/g;

export function scrubServiceMessage(message: string | undefined, maxLength = 300): string {
  if (!message) return '';
  const scrubbed = message.replace(ECHOED_INPUT, '$1 [redacted]');
  return scrubbed.length > maxLength ? `${scrubbed.slice(0, maxLength)}...` : scrubbed;
}
