export * from '../../lab/sandbox.js';
