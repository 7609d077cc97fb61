export * from './model.js';
export * from './job-repository.js';
