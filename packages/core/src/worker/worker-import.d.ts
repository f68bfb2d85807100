// Vite's `?worker&inline` import (see default-worker.ts): a constructor of a module Worker.
declare module '*?worker&inline' {
  const WorkerConstructor: new (options?: { name?: string }) => Worker;
  export default WorkerConstructor;
}
