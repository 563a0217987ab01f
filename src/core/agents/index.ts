/**
 * The agent layer: what the Copilot language model tools, the MCP server and the @mockups chat
 * participant share, so that they cannot drift. No `vscode` here; each surface only adapts.
 */
export { AGENT_TOOLS, agentTool, AgentInputError, GET_JOB_TOOL, inputJsonSchema, parseToolInput, type AgentToolName, type AgentToolSpec } from './schemas';
export {
  confirmationOf,
  invocationMessage,
  invokeAgentTool,
  prepareCall,
  problemsOf,
  relativeTo,
  runCall,
  type AgentConnection,
  type AgentFile,
  type AgentHost,
  type AgentOutcome,
  type CallOptions,
  type PreparedCall,
} from './tools';
export { makePreview, MAX_PREVIEWS, PREVIEW_LONG_EDGE, previewSize, previewsOf, type AgentPreview } from './preview';
export { ProgressTracker, type ProgressStep } from './progress';
export { JobStore, realDelay, runningText, startedText, type Delay, type Job } from './jobs';
export { CHAT_COMMANDS, firstJsonObject, handleChatRequest, interpretGenerate, type ChatCommand, type ChatOptions, type ChatRequestInput, type ChatSink, type ChatTurn, type ChatTurnResult, type TextModel } from './chat';
export { findMockups, scanMockups, type FoundMockup } from './find';
