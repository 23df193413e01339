// The baseline of `activation_vs_empty`: an extension whose activation does nothing.
'use strict';
function activate() {}
function deactivate() {}
module.exports = { activate, deactivate };
