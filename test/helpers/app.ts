export * from '../../lab/app-runner.js';
