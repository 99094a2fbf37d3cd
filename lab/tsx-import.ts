/**
 * What `node --import` needs to run TypeScript through tsx, as a file: URL. A plain absolute
 * path works on macOS and Linux, but on Windows "C:\…\loader.mjs" reads as a URL with the
 * scheme "c:", and Node refuses it (ERR_UNSUPPORTED_ESM_URL_SCHEME).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Pass as `node --import <TSX_IMPORT> file.ts`. */
export const TSX_IMPORT = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
