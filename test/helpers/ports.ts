export { freePort } from '../../lab/net/free-port.js';
