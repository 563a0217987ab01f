/**
 * "Copy request as code": the request behind a mockup as a curl command, a TypeScript, Python or C#
 * program. Never with a secret: the key is read from the AZURE_OPENAI_API_KEY environment variable
 * in every form, and `assertNoSecret` refuses text that holds a known secret anyway.
 */
import { DEFAULT_DATED_API_VERSION } from '../foundry';

export type CodeLanguage = 'curl' | 'typescript' | 'python' | 'csharp';

export interface RequestSpec {
  /** The resource endpoint, such as https://my-resource.openai.azure.com (no credentials in it). */
  readonly endpoint: string;
  readonly deployment: string;
  readonly apiMode: 'v1' | 'dated';
  readonly apiVersion?: string;
  readonly operation: 'generate' | 'edit';
  readonly prompt: string;
  readonly size: string;
  readonly quality?: string;
  readonly n?: number;
  readonly outputFormat?: string;
  readonly outputCompression?: number;
  readonly background?: string;
  /** Edits: paths of the image (first) and reference images. */
  readonly images?: readonly string[];
  readonly mask?: string;
}

export const API_KEY_ENV = 'AZURE_OPENAI_API_KEY';

export function requestUrl(spec: RequestSpec): string {
  const origin = new URL(spec.endpoint).origin;
  const op = spec.operation === 'edit' ? 'edits' : 'generations';
  if (spec.apiMode === 'v1') return `${origin}/openai/v1/images/${op}${spec.apiVersion ? `?api-version=${encodeURIComponent(spec.apiVersion)}` : ''}`;
  return `${origin}/openai/deployments/${encodeURIComponent(spec.deployment)}/images/${op}?api-version=${encodeURIComponent(spec.apiVersion ?? DEFAULT_DATED_API_VERSION)}`;
}

/** The body fields, in wire names, in a stable order. */
export function requestFields(spec: RequestSpec): Array<[string, string | number]> {
  const fields: Array<[string, string | number]> = [];
  if (spec.apiMode === 'v1') fields.push(['model', spec.deployment]);
  fields.push(['prompt', spec.prompt], ['size', spec.size]);
  if (spec.quality) fields.push(['quality', spec.quality]);
  if (spec.n !== undefined) fields.push(['n', spec.n]);
  if (spec.outputFormat) fields.push(['output_format', spec.outputFormat]);
  if (spec.outputCompression !== undefined) fields.push(['output_compression', spec.outputCompression]);
  if (spec.background) fields.push(['background', spec.background]);
  return fields;
}

const shell = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const literal = (v: string | number): string => JSON.stringify(v);

export function requestAsCode(language: CodeLanguage, spec: RequestSpec): string {
  const url = requestUrl(spec);
  const fields = requestFields(spec);
  const edit = spec.operation === 'edit';
  const images = spec.images ?? [];
  const imageField = images.length > 1 ? 'image[]' : 'image';
  switch (language) {
    case 'curl': {
      const lines = [`curl -sS -X POST ${shell(url)}`, `  -H "api-key: $${API_KEY_ENV}"`];
      if (edit) {
        for (const [k, v] of fields) lines.push(`  -F ${shell(`${k}=${String(v)}`)}`);
        for (const image of images) lines.push(`  -F ${shell(`${imageField}=@${image}`)}`);
        if (spec.mask) lines.push(`  -F ${shell(`mask=@${spec.mask}`)}`);
      } else {
        lines.push('  -H "Content-Type: application/json"', `  -d ${shell(JSON.stringify(Object.fromEntries(fields)))}`);
      }
      return `# The key comes from the environment: export ${API_KEY_ENV}=...\n${lines.join(' \\\n')} \\\n  | jq -r '.data[0].b64_json' | base64 --decode > image.${spec.outputFormat === 'jpeg' ? 'jpg' : 'png'}\n`;
    }
    case 'typescript': {
      const out = `image.${spec.outputFormat === 'jpeg' ? 'jpg' : 'png'}`;
      const head = [`// Node 20+ (an ES module). The key comes from the environment: ${API_KEY_ENV}.`, ...(edit ? [`import { openAsBlob } from 'node:fs';`] : []), `import { writeFile } from 'node:fs/promises';`, ''];
      let body: string[];
      if (edit) {
        body = ['const form = new FormData();', ...fields.map(([k, v]) => `form.append(${literal(k)}, ${literal(String(v))});`)];
        for (const image of images) body.push(`form.append(${literal(imageField)}, await openAsBlob(${literal(image)}, { type: 'image/png' }), ${literal(baseName(image))});`);
        if (spec.mask) body.push(`form.append('mask', await openAsBlob(${literal(spec.mask)}, { type: 'image/png' }), ${literal(baseName(spec.mask))});`);
        body.push(`const response = await fetch(${literal(url)}, {`, `  method: 'POST',`, `  headers: { 'api-key': process.env.${API_KEY_ENV} ?? '' },`, '  body: form,', '});');
      } else {
        body = [
          `const response = await fetch(${literal(url)}, {`,
          `  method: 'POST',`,
          `  headers: { 'api-key': process.env.${API_KEY_ENV} ?? '', 'content-type': 'application/json' },`,
          `  body: JSON.stringify(${JSON.stringify(Object.fromEntries(fields), null, 2).replace(/\n/g, '\n  ')}),`,
          '});',
        ];
      }
      body.push(
        `if (!response.ok) throw new Error(\`\${response.status} \${await response.text()}\`);`,
        `const result = (await response.json()) as { data: Array<{ b64_json: string }> };`,
        `await writeFile(${literal(out)}, Buffer.from(result.data[0].b64_json, 'base64'));`,
      );
      return `${[...head, ...body].join('\n')}\n`;
    }
    case 'python': {
      const out = `image.${spec.outputFormat === 'jpeg' ? 'jpg' : 'png'}`;
      const lines = [`# The key comes from the environment: ${API_KEY_ENV}.`, 'import base64', 'import os', '', 'import requests', '', `url = ${literal(url)}`, `headers = {"api-key": os.environ["${API_KEY_ENV}"]}`];
      const dict = `{${fields.map(([k, v]) => `${literal(k)}: ${literal(v)}`).join(', ')}}`;
      if (edit) {
        lines.push(`data = ${dict}`, 'files = [');
        for (const image of images) lines.push(`    (${literal(imageField)}, (${literal(baseName(image))}, open(${literal(image)}, "rb"), "image/png")),`);
        if (spec.mask) lines.push(`    ("mask", (${literal(baseName(spec.mask))}, open(${literal(spec.mask)}, "rb"), "image/png")),`);
        lines.push(']', 'response = requests.post(url, headers=headers, data=data, files=files, timeout=300)');
      } else {
        lines.push(`body = ${dict}`, 'response = requests.post(url, headers=headers, json=body, timeout=300)');
      }
      lines.push('response.raise_for_status()', `with open(${literal(out)}, "wb") as f:`, '    f.write(base64.b64decode(response.json()["data"][0]["b64_json"]))');
      return `${lines.join('\n')}\n`;
    }
    case 'csharp': {
      const out = `image.${spec.outputFormat === 'jpeg' ? 'jpg' : 'png'}`;
      const lines = [
        `// .NET 8 top-level program. The key comes from the environment: ${API_KEY_ENV}.`,
        'using System.Net.Http.Json;',
        'using System.Text.Json;',
        '',
        'using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };',
        `http.DefaultRequestHeaders.Add("api-key", Environment.GetEnvironmentVariable("${API_KEY_ENV}"));`,
      ];
      if (edit) {
        lines.push('using var form = new MultipartFormDataContent();');
        for (const [k, v] of fields) lines.push(`form.Add(new StringContent(${literal(String(v))}), ${literal(k)});`);
        for (const image of images) lines.push(`form.Add(new ByteArrayContent(File.ReadAllBytes(${literal(image)})), ${literal(imageField)}, ${literal(baseName(image))});`);
        if (spec.mask) lines.push(`form.Add(new ByteArrayContent(File.ReadAllBytes(${literal(spec.mask)})), "mask", ${literal(baseName(spec.mask))});`);
        lines.push(`var response = await http.PostAsync(${literal(url)}, form);`);
      } else {
        lines.push('var body = new Dictionary<string, object>', '{');
        for (const [k, v] of fields) lines.push(`    [${literal(k)}] = ${literal(v)},`);
        lines.push('};', `var response = await http.PostAsJsonAsync(${literal(url)}, body);`);
      }
      lines.push(
        'response.EnsureSuccessStatusCode();',
        'using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());',
        'var b64 = json.RootElement.GetProperty("data")[0].GetProperty("b64_json").GetString()!;',
        `File.WriteAllBytes(${literal(out)}, Convert.FromBase64String(b64));`,
      );
      return `${lines.join('\n')}\n`;
    }
  }
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

export class SecretInCodeError extends Error {
  override readonly name = 'SecretInCodeError';
}

/** Throws when `code` holds any of `secrets` (ignoring empty and very short ones). */
export function assertNoSecret(code: string, secrets: readonly (string | undefined)[]): string {
  for (const secret of secrets) {
    if (secret && secret.length >= 8 && code.includes(secret)) throw new SecretInCodeError('The generated code would contain a secret; nothing was copied.');
  }
  return code;
}
