// Jest setup for every test file: the backend is chosen once (EX5_BACKEND forces one), without the banner.
import { initBackend } from '../backend.js';

process.env.EX5_QUIET_BACKEND ??= '1';
await initBackend();
