#!/usr/bin/env node
// `npm run backup [-- --out <file>]`: one file with the database and the uploads (see README "Backup and restore").
import { runBackupCli } from './backup-cli.mjs';

runBackupCli('backup');
