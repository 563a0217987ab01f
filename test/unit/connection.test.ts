import * as assert from 'node:assert/strict';
import { defaultScope, endpointHost, parseConnectionSettings, parseTargetUri, SCOPE_AI, SCOPE_COGNITIVE_SERVICES } from '../../src/core/connection';

describe('connection settings', () => {
  it('reads the portal\'s Target URI: endpoint, API form, deployment and api-version; a plain endpoint or anything else is not one', () => {
    assert.deepEqual(parseTargetUri('https://r.openai.azure.com/openai/deployments/gpt-image-2/images/generations?api-version=2025-04-01-preview'), {
      endpoint: 'https://r.openai.azure.com',
      apiMode: 'dated',
      deployment: 'gpt-image-2',
      apiVersion: '2025-04-01-preview',
    });
    assert.deepEqual(parseTargetUri('  https://r.services.ai.azure.com/openai/v1/images/generations  '), { endpoint: 'https://r.services.ai.azure.com', apiMode: 'v1' });
    assert.deepEqual(parseTargetUri('https://r.services.ai.azure.com/openai/v1/images/edits?api-version=preview'), { endpoint: 'https://r.services.ai.azure.com', apiMode: 'v1', apiVersion: 'preview' });
    assert.deepEqual(parseTargetUri('https://r.cognitiveservices.azure.com/openai/deployments/my%20images/images/edits?api-version=2025-04-01-preview')?.deployment, 'my images');
    assert.equal(parseTargetUri('https://r.openai.azure.com/'), undefined, 'a plain endpoint is not a Target URI');
    assert.equal(parseTargetUri('https://r.openai.azure.com/openai'), undefined);
    assert.equal(parseTargetUri('https://user:secret@r.openai.azure.com/openai/v1/images/generations'), undefined, 'credentials in a URL are not taken');
    assert.equal(parseTargetUri('https://r.openai.azure.com/openai/deployments/%E0%A4%A/images/generations'), undefined, 'a broken escape is not a deployment');
    assert.equal(parseTargetUri('not a url'), undefined);

    // Pasted as the endpoint setting, it fills in what the user did not set.
    const result = parseConnectionSettings({ endpoint: 'https://r.openai.azure.com/openai/deployments/gpt-image-2/images/generations?api-version=2025-04-01-preview' });
    assert.ok('settings' in result, JSON.stringify(result));
    assert.equal(result.settings.endpoint, 'https://r.openai.azure.com');
    assert.equal(result.settings.deployment, 'gpt-image-2');
    assert.equal(result.settings.apiMode, 'dated');
    assert.equal(result.settings.apiVersion, '2025-04-01-preview');
    const own = parseConnectionSettings({ endpoint: 'https://r.openai.azure.com/openai/deployments/gpt-image-2/images/generations?api-version=2025-04-01-preview', deployment: 'mine' });
    assert.ok('settings' in own && own.settings.deployment === 'mine', 'a deployment the user set wins');
  });

  it('accepts a complete configuration and fills in the defaults', () => {
    const result = parseConnectionSettings({ endpoint: 'https://res.openai.azure.com/', deployment: 'gpt-image-2' });
    assert.ok('settings' in result);
    assert.deepEqual(result.settings, {
      endpoint: 'https://res.openai.azure.com',
      deployment: 'gpt-image-2',
      model: 'gpt-image-2',
      apiMode: 'v1',
      auth: 'auto',
      scope: SCOPE_AI,
    });
  });

  it('picks the Entra scope by API form unless one is set', () => {
    assert.equal(defaultScope('dated'), SCOPE_COGNITIVE_SERVICES);
    const result = parseConnectionSettings({ endpoint: 'https://r.cognitiveservices.azure.com', deployment: 'd', apiMode: 'dated', scope: SCOPE_AI });
    assert.ok('settings' in result);
    assert.equal(result.settings.scope, SCOPE_AI);
  });

  it('names every setting that is wrong, with a fix', () => {
    const result = parseConnectionSettings({ endpoint: 'http://res.openai.azure.com', deployment: 'bad name!', model: 'dall-e-3', apiMode: 'v2', apiVersion: 'latest', auth: 'password', scope: 'cognitiveservices' });
    assert.ok('problems' in result);
    const bySetting = Object.fromEntries(result.problems.map((p) => [p.setting, p.message]));
    assert.match(bySetting.endpoint, /plain http:\/\/.*use https:\/\//);
    assert.match(bySetting.deployment, /not a deployment name/);
    assert.match(bySetting.model, /"dall-e-3" is not a supported model family/);
    assert.match(bySetting.apiMode, /use v1 or dated/);
    assert.match(bySetting.apiVersion, /2025-04-01-preview/);
    assert.match(bySetting.auth, /not a sign-in method/);
    assert.match(bySetting.scope, /not an Entra scope/);
  });

  it('asks for an endpoint and a deployment when they are missing', () => {
    const result = parseConnectionSettings({});
    assert.ok('problems' in result);
    assert.deepEqual(result.problems.map((p) => p.setting), ['endpoint', 'deployment']);
  });

  it('accepts http only for a loopback emulator', () => {
    assert.ok('settings' in parseConnectionSettings({ endpoint: 'http://127.0.0.1:4567', deployment: 'gpt-image-2' }));
  });

  it('records only the host of the endpoint', () => {
    assert.equal(endpointHost('https://res.openai.azure.com/openai/v1'), 'res.openai.azure.com');
  });
});
