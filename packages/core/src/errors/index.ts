export { ErrorCode, ErrorNumber } from './codes.js';
export { ElanusError, isElanusError, type SerializedElanusError } from './elanus-error.js';
export {
  describe,
  elanusError,
  invalidParam,
  MESSAGES,
  type MessageEntry,
  type MessageId,
  type MessageParams,
} from './messages.js';
