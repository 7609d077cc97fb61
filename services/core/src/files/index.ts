/** Files on the shared volume: `share://` URIs and mu-file-service's download route. */
export { filePathOfShareUri, normaliseSharePath, SHARE_SCHEME, shareUriFor, shareUriOfFilePath, sharePathOf, ShareUriError } from './share-uri.js';
export { FileRepository, type DownloadableFile } from './file-repository.js';
export { createFileDownloadRoutes, FILE_DOWNLOAD_PATH, type FileDownloadRouteOptions } from './download-route.js';
