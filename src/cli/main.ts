// Placeholder: the CLI lands with the vault core.
process.stderr.write('kagi: not built yet\n');
process.exit(1);
