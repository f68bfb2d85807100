export { ErrorCode, ErrorNumber, messages } from './codes.js';
export {
  describe,
  ElanusError,
  invalidParam,
  isElanusError,
  type SerializedElanusError,
} from './elanus-error.js';
