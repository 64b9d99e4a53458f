/** Installs the pinned moto server into .venv (npm test's first step); prints what it did. */
import { ensureMotoInstalled } from './lib/moto';

ensureMotoInstalled(console.log);
