export { ErrorCode, ErrorNumber, filterMessages, messages } from './codes.js';
export {
  describe,
  ElanusError,
  invalidParam,
  isElanusError,
  type SerializedElanusError,
} from './elanus-error.js';
