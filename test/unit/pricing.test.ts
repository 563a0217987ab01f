import * as assert from 'node:assert/strict';
import { costFromUsage, DEFAULT_PRICING, estimateCost, estimateOutputImageTokens, formatUsd, resolvePricing } from '../../src/core/pricing';

describe('pricing', () => {
  const gi2 = DEFAULT_PRICING['gpt-image-2'];

  it('uses Foundry list prices for gpt-image-2 by default', () => {
    assert.deepEqual(gi2, { textInput: 5, cachedTextInput: 1.25, imageInput: 8, cachedImageInput: 2, imageOutput: 30, textOutput: 10 });
  });

  it('computes the cost from the usage the service returned', () => {
    const cost = costFromUsage(
      { inputTokens: 50, outputTokens: 7000, totalTokens: 7050, inputTokensDetails: { textTokens: 10, imageTokens: 40 }, outputTokensDetails: { imageTokens: 7000, textTokens: 0 } },
      gi2,
    );
    // 10 x $5 + 40 x $8 + 7000 x $30, per 1M tokens
    assert.equal(cost.usd, (10 * 5 + 40 * 8 + 7000 * 30) / 1e6);
  });

  it('bills cached tokens once, at the cached rate', () => {
    const cost = costFromUsage({ inputTokens: 100, outputTokens: 0, inputTokensDetails: { textTokens: 0, imageTokens: 100, cachedTokens: 60 } }, gi2);
    assert.equal(cost.usd, (40 * 8 + 60 * 2) / 1e6);
  });

  it('counts output without a breakdown as image tokens', () => {
    assert.equal(costFromUsage({ inputTokens: 0, outputTokens: 1000 }, gi2).usd, (1000 * 30) / 1e6);
  });

  it('estimates gpt-image-1 family tokens from Microsoft\'s table and gpt-image-2 by area', () => {
    assert.equal(estimateOutputImageTokens('gpt-image-1', { width: 1024, height: 1536 }, 'high'), 6240);
    assert.equal(estimateOutputImageTokens('gpt-image-1', { width: 1024, height: 1024 }, 'low'), 272);
    assert.equal(estimateOutputImageTokens('gpt-image-2', { width: 1024, height: 1024 }, 'medium'), 1767);
    assert.equal(estimateOutputImageTokens('gpt-image-2', { width: 2048, height: 1024 }, 'high'), 2 * 7033);
    const small = estimateCost({ model: 'gpt-image-2', size: { width: 1024, height: 1024 }, quality: 'high', n: 2, promptChars: 400 }, gi2);
    assert.equal(small.tokens.imageOutput, 2 * 7033);
    assert.equal(small.tokens.textInput, 100);
  });

  it('takes valid user overrides and ignores invalid ones', () => {
    const p = resolvePricing('gpt-image-2', { 'gpt-image-2': { imageOutput: 25, textInput: -1, imageInput: 'x' } });
    assert.equal(p.imageOutput, 25);
    assert.equal(p.textInput, 5);
    assert.equal(p.imageInput, 8);
  });

  it('formats small and large amounts readably', () => {
    assert.equal(formatUsd(0.0042), '$0.0042');
    assert.equal(formatUsd(0.211), '$0.211');
    assert.equal(formatUsd(12.5), '$12.50');
  });
});
