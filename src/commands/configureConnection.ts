import * as vscode from 'vscode';
import { apiVersionProblem, deploymentProblem, endpointProblem, parseConnectionSettings, parseTargetUri, type RawConnectionSettings, testConnection } from '../core/connection';
import { DEFAULT_DATED_API_VERSION } from '../core/foundry';
import { MODEL_FAMILIES } from '../core/sizes/rules';
import type { Services } from '../host/services';
import { setting, updateSetting } from '../host/settings';
import { connect, readConnectionSettings } from '../host/connection';
import { showFailure } from '../host/failure';
import { withCancellableProgress } from '../host/progress';

const KEYS = ['endpoint', 'deployment', 'model', 'apiMode', 'apiVersion', 'auth'] as const;
const APPLICATION_SCOPED: ReadonlySet<string> = new Set(['auth']);

/**
 * Configure Connection...: a guided setup of endpoint, deployment, model family, API form and
 * sign-in, checked as it goes, ending with an optional test request. Scripts pass the settings
 * as an object (`{ endpoint, deployment, model?, apiMode?, apiVersion?, auth?, test? }`), which is
 * checked and saved without prompts; it resolves to true when saved.
 */
export async function run(services: Services, options?: unknown): Promise<boolean> {
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new Error(vscode.l10n.t('Configure Connection takes an object such as { "endpoint": "https://my-resource.openai.azure.com", "deployment": "gpt-image-2" }.'));
    }
    const raw = options as RawConnectionSettings & { test?: unknown };
    const parsed = parseConnectionSettings(raw);
    if ('problems' in parsed) throw new Error(parsed.problems.map((p) => `${p.setting}: ${p.message}`).join(' '));
    const { settings } = parsed;
    // Saved as read: a pasted Target URI becomes its endpoint, deployment, API form and version.
    await save({ ...raw, endpoint: settings.endpoint, deployment: settings.deployment, apiMode: settings.apiMode, ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}) });
    if (raw.test === true) return testRequest(services, true);
    return true;
  }
  const current = readConnectionSettings();
  const title = (step: number, what: string): string => vscode.l10n.t('Configure Connection ({0}/5): {1}', step, what);

  const typed = await services.ui.showInputBox({
    title: title(1, vscode.l10n.t('endpoint')),
    prompt: vscode.l10n.t('Your resource\'s endpoint (Azure portal: Keys and Endpoint; Foundry portal: the resource overview), or the deployment\'s Target URI.'),
    placeHolder: 'https://my-resource.openai.azure.com',
    value: setting('endpoint'),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const problem = endpointProblem(value);
      if (problem) return problem;
      const target = parseTargetUri(value);
      if (!target) return undefined;
      const read = [target.endpoint, target.deployment ? vscode.l10n.t('deployment {0}', target.deployment) : undefined, target.apiMode, target.apiVersion].filter(Boolean).join(', ');
      return { message: vscode.l10n.t('Target URI: {0}', read), severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  if (typed === undefined) return false;
  const target = parseTargetUri(typed);
  const endpoint = target?.endpoint ?? typed;
  const deployment = await services.ui.showInputBox({
    title: title(2, vscode.l10n.t('deployment')),
    prompt: vscode.l10n.t('The name of your gpt-image deployment (Foundry portal: Deployments).'),
    placeHolder: 'gpt-image-2',
    value: target?.deployment ?? (setting('deployment') || 'gpt-image-2'),
    ignoreFocusOut: true,
    validateInput: (value) => deploymentProblem(value),
  });
  if (deployment === undefined) return false;
  const model = await services.ui.pickOne(
    MODEL_FAMILIES.map((m) => ({ label: m, picked: 'settings' in current && current.settings.model === m })),
    { title: title(3, vscode.l10n.t('model family the deployment runs')), ignoreFocusOut: true },
  );
  if (!model) return false;
  const forms = [
    { label: 'v1', description: vscode.l10n.t('recommended: /openai/v1/images, streaming previews'), value: 'v1' as const },
    { label: 'dated', description: vscode.l10n.t('/openai/deployments/{deployment}/images?api-version='), value: 'dated' as const },
  ];
  const apiMode = await services.ui.pickOne(forms, { title: title(4, vscode.l10n.t('API form')), ignoreFocusOut: true }, forms.find((f) => f.value === target?.apiMode));
  if (!apiMode) return false;
  let apiVersion = '';
  if (apiMode.value === 'dated') {
    const version = await services.ui.showInputBox({
      title: vscode.l10n.t('Configure Connection: api-version'),
      value: target?.apiVersion ?? (setting('apiVersion') || DEFAULT_DATED_API_VERSION),
      ignoreFocusOut: true,
      validateInput: (value) => apiVersionProblem(value.trim()),
    });
    if (version === undefined) return false;
    apiVersion = version.trim();
  }
  const auth = await services.ui.pickOne(
    [
      { label: vscode.l10n.t('Automatic'), description: vscode.l10n.t('Microsoft account, else Azure CLI, else API key'), value: 'auto' },
      { label: vscode.l10n.t('Microsoft account'), description: vscode.l10n.t('sign in through VS Code (Entra ID)'), value: 'microsoft' },
      { label: vscode.l10n.t('Azure CLI / environment'), description: 'DefaultAzureCredential', value: 'azureIdentity' },
      { label: vscode.l10n.t('API key'), description: vscode.l10n.t('kept in VS Code\'s secret storage'), value: 'apiKey' },
    ],
    { title: title(5, vscode.l10n.t('sign-in')), ignoreFocusOut: true },
  );
  if (!auth) return false;

  await save({ endpoint: endpoint.trim(), deployment: deployment.trim(), model: model.label, apiMode: apiMode.value, apiVersion, auth: auth.value });
  if (auth.value === 'apiKey' && !(await services.apiKeys.has())) {
    await vscode.commands.executeCommand('foundryMockups.setApiKey');
  }
  const test = vscode.l10n.t('Send Test Request');
  const choice = await services.ui.showInformationMessage(vscode.l10n.t('Connection saved. Send a small test request (one low-quality 1024x1024 image, nothing written)?'), test);
  if (choice === test) return testRequest(services, false);
  return true;
}

async function save(raw: RawConnectionSettings): Promise<void> {
  const workspace = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  for (const key of KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    // Sign-in settings are application-scoped (a workspace must not choose how you sign in).
    const target = APPLICATION_SCOPED.has(key) ? vscode.ConfigurationTarget.Global : workspace;
    await updateSetting(key, typeof value === 'string' ? value.trim() : value, target);
  }
}

/** One low-quality image, kept in memory: proves endpoint, deployment, credentials and role. */
async function testRequest(services: Services, rejectOnFailure: boolean): Promise<boolean> {
  try {
    const connection = await connect(services);
    const result = await withCancellableProgress(vscode.l10n.t('Testing the connection'), (_progress, signal) => testConnection(connection.client, signal));
    const message = vscode.l10n.t('The connection works: {0} answered in {1} s (request id {2}).', connection.info.deployment, (result.durationMs / 1000).toFixed(1), result.requestId ?? '-');
    services.log.info(message);
    void services.ui.showInformationMessage(message);
    return true;
  } catch (error) {
    if (rejectOnFailure) {
      void showFailure(services, error);
      throw error;
    }
    await showFailure(services, error);
    return false;
  }
}
