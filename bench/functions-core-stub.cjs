// Preloaded (`node -r`) by bench/coldStart.ts: stands in for `@azure/functions-core`, the module the Node.js
// language worker gives the app, so that `@azure/functions` registers functions as it does in Azure (instead of
// switching to its test mode). It only counts the registrations; the bench prints the count.
const Module = require('node:module');

const NAME = '@azure/functions-core';
const virtualPath = `/__bench__/${NAME}/index.js`;
const registered = [];
const mod = new Module(virtualPath);
mod.filename = virtualPath;
mod.loaded = true;
mod.exports = {
  version: '3.10.1',
  hostVersion: '4.0.0',
  registerFunction(metadata) {
    registered.push(metadata.name);
    return { dispose() {} };
  },
  registerHook() {
    return { dispose() {} };
  },
  setProgrammingModel() {},
  getProgrammingModel() {
    return undefined;
  },
  log() {},
};
require.cache[virtualPath] = mod;
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === NAME ? virtualPath : original.call(this, request, ...rest);
};
globalThis.__benchRegisteredFunctions = registered;
