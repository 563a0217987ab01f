/**
 * Checks an API key typed or pasted by a user before it is stored. Azure OpenAI keys are 32
 * hexadecimal characters (older resources) or 84 characters of base62-style text (newer ones);
 * both are accepted, and anything with whitespace or control characters inside is refused, since
 * it would break the `api-key` header. Returns the trimmed key, or the problem as a sentence.
 */
export function checkApiKey(input: unknown): { key: string } | { problem: string } {
  if (typeof input !== 'string') {
    return { problem: 'The API key must be text: pass it as a string.' };
  }
  const key = input.trim();
  if (key.length === 0) {
    return { problem: 'The API key is empty: copy Key 1 or Key 2 from your resource\'s "Keys and Endpoint" page in the Azure portal.' };
  }
  if (/\s/.test(key) || [...key].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return { problem: 'The API key contains spaces or control characters: paste only the key itself.' };
  }
  if (key.length < 16 || key.length > 256) {
    return { problem: `The API key is ${key.length} characters long, which is not an Azure OpenAI key (they have 32 or 84): check that you copied the whole key.` };
  }
  return { key };
}

