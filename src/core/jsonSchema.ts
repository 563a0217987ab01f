/**
 * The one ajv configuration of the product, for every JSON Schema it checks files against (batch
 * files, `.vscode/mockups.json`): strict, so a typo in a schema is an error rather than a keyword
 * silently ignored, with every error reported (not only the first). Two allowances:
 * - the editor-only keywords of VS Code's JSON language service (descriptions in Markdown,
 *   snippets), which the schemas carry for completion in the editor and validation ignores;
 * - `required` inside an `anyOf` branch for properties declared beside it ("prompt or template"),
 *   which strictRequired would refuse.
 * Schemas are compiled once, on first use (ajv is loaded only then).
 */
import Ajv, { type ValidateFunction } from 'ajv';

export type { ErrorObject, ValidateFunction } from 'ajv';

/** Keywords VS Code's JSON language service reads and validation ignores. */
const EDITOR_KEYWORDS = ['markdownDescription', 'defaultSnippets', 'enumDescriptions', 'markdownEnumDescriptions', 'deprecationMessage', 'doNotSuggest', 'errorMessage'];

let shared: Ajv | undefined;

function ajv(): Ajv {
  if (!shared) {
    shared = new Ajv({ allErrors: true, strict: true, strictRequired: false });
    for (const keyword of EDITOR_KEYWORDS) shared.addKeyword(keyword);
  }
  return shared;
}

/**
 * The validator of `schema` (by its `$id`, compiled once), or of one of its definitions when
 * `pointer` is given (such as `#/definitions/preset`).
 */
export function schemaValidator(schema: { readonly $id: string }, pointer = ''): ValidateFunction {
  const instance = ajv();
  if (!instance.getSchema(schema.$id)) instance.addSchema(schema);
  const validate = instance.getSchema(`${schema.$id}${pointer}`);
  if (!validate) throw new Error(`The schema ${schema.$id}${pointer} did not compile.`);
  return validate;
}
