// Skeleton page: proves the demo builds against @elanus/core. The real demo replaces this.
import * as elanus from '@elanus/core';

const app = document.querySelector<HTMLElement>('#app');
if (app) {
  const title = document.createElement('h1');
  title.textContent = 'Elanus — Milvus Lite for the browser';
  const status = document.createElement('p');
  status.id = 'status';
  status.textContent = `@elanus/core loaded (${Object.keys(elanus).length} exports); crossOriginIsolated: ${String(
    globalThis.crossOriginIsolated,
  )}`;
  app.append(title, status);
}
