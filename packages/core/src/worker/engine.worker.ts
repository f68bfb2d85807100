// The module Worker that `new MilvusClient({ worker: true })` starts (see client.ts): it serves the engine.
import { exposeEngine } from './expose.js';

exposeEngine();
