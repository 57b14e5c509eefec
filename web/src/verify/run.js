// run.js — the page's side of the verifier: starts the worker and turns
// its messages into progress callbacks and one promise.
import Worker from './worker.js?worker';

export function verifyInWorker(record, onProgress) {
  return new Promise((resolve, reject) => {
    const w = new Worker();
    w.onmessage = (ev) => {
      if (ev.data.type === 'progress') onProgress && onProgress(ev.data);
      else if (ev.data.type === 'done') { w.terminate(); resolve(ev.data.result); }
    };
    w.onerror = (e) => { w.terminate(); reject(e); };
    w.postMessage({ record });
  });
}
