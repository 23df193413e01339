// The workbench's own controls for both webview apps: @vscode-elements/elements (pinned in
// package.json, bundled into each app by esbuild). Each import registers one custom element;
// only the ones the pages use are imported, so the bundles stay small. Their styles are
// constructed stylesheets (adoptedStyleSheets) inside shadow roots, which the pages' CSP
// (style-src <webview origin>, no 'unsafe-inline') allows; docs/webviews.md.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
