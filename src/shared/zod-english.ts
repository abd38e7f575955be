/**
 * English validation messages for zod/mini. Classic zod installed its English locale by itself;
 * zod/mini ships none, so every issue would read just "Invalid input". Each module that builds
 * schemas imports this file for its effect, so any parse (in every process, and in tests that
 * load a single module) reports as before. The locale is imported directly, not through zod's
 * locale index, so bundles carry English only.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
