#!/usr/bin/env node
// `npm run restore -- <file> [--force]`: restore a backup into an empty database and data folder (see README "Backup and restore").
import { runBackupCli } from './backup-cli.mjs';

runBackupCli('restore');
