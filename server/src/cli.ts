/** Entry point of the command-line tool (placeholder until the CLI lands). */
process.stdout.write('rego-lens\n');
